"""The write path of party building: one `@transaction.atomic` function per intent, each checking
the actor's reach (civicgrid.party.policy) on a locked read and publishing its events
(civicgrid.party.events). One module per part: `org` (the tree, posts, members, 双报到),
`ratings` (五优 star ratings), `projects` (一支部一项目), `study` (lessons, monthly study,
quizzes), `orders` (派单 / 接单 / 赋分).

Refusals raise ValidationError; a record outside the user's reach raises the model's DoesNotExist
(the views answer 404) and changes nothing."""

from civicgrid.party.actions.org import (  # noqa: F401
    add_member,
    appoint,
    create_organisation,
    end_post,
    end_registration,
    make_full,
    move_member,
    register_with_community,
    transfer_out,
    update_organisation,
)
