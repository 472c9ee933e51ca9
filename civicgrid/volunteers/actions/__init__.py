"""The write path of volunteering: one `@transaction.atomic` function per intent, each locking the
rows it changes, writing its change-log rows and publishing its events (civicgrid.volunteers.events).

`volunteering`: registration and verification, teams, projects and shifts (the shifts' sign-up,
check-in, check-out and hours run through civicgrid.activities.actions). `wishes`: micro-wishes.

Refusals raise ValidationError; a record outside the user's scope raises the model's DoesNotExist
(the views answer 404) and changes nothing."""

from civicgrid.volunteers.actions.volunteering import (  # noqa: F401
    add_shift,
    cancel_shift_sign_up,
    check_in_volunteer,
    check_out_volunteer,
    confirm_hours,
    register,
    review_volunteer,
    save_project,
    save_team,
    sign_up_shift,
)
from civicgrid.volunteers.actions.wishes import (  # noqa: F401
    claim_for_partner,
    claim_wish,
    confirm_wish,
    fulfil_wish,
    give_feedback,
    post_wish,
    review_wish,
    withdraw_wish,
)
