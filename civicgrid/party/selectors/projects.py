"""Reads of 一支部一项目. Staff reads start from policy.visible_orgs (the organisations of the user's
posts and a system admin's region scope); the public board shows every project to every signed-in
user, with the branch's name, the title and the stage only — no files, no people."""

from django.db.models import Count

from civicgrid.core.scoping import subtree_q
from civicgrid.party import policy
from civicgrid.party.actions.projects import FLOW
from civicgrid.party.models import STAGE_ORDER, Project, Stage


def projects_for(user):
    """The projects the user sees on the staff side."""
    return Project.objects.filter(organisation__in=policy.visible_orgs(user).values("pk"))


def sees_any(user):
    return policy.visible_orgs(user).exists()


def staff_list(user, *, stage="", year=None):
    rows = projects_for(user).select_related("organisation")
    if stage:
        rows = rows.filter(stage=stage)
    if year:
        rows = rows.filter(year=year)
    return rows.order_by("-year", "organisation__path", "pk")


def project_for(user, pk):
    """The project with its organisation, or None when out of sight."""
    return (
        projects_for(user)
        .select_related("organisation", "created_by", "approved_by", "accepted_by")
        .filter(pk=pk)
        .first()
    )


def allowed_steps(user, project):
    """The workflow steps (actions.projects.FLOW) the user may take on the project now."""
    led = policy.led_orgs(user).filter(pk=project.organisation_id).exists()
    reviews = policy.reviewed_orgs(user).filter(pk=project.organisation_id).exists()
    steps = set()
    for step, (who, moves) in FLOW.items():
        if project.stage in moves and ((who == "lead" and led) or (who == "review" and reviews)):
            steps.add(step)
    if project.created_by_id == user.pk:
        steps -= {"accept", "return"}
    return steps


def timeline(project):
    return project.notes.select_related("author", "milestone").prefetch_related("files")


def leadable_orgs(user):
    """The organisations the user may propose a project for."""
    from civicgrid.party.actions.projects import PROJECT_KINDS

    return policy.led_orgs(user).filter(kind__in=PROJECT_KINDS, is_active=True).order_by("path")


def stage_counts(rows):
    """{stage: n} for every stage (0 when none), and the total."""
    found = dict(rows.order_by().values_list("stage").annotate(n=Count("pk")))
    by_stage = {str(stage): found.get(str(stage), 0) for stage in STAGE_ORDER}
    return {"by_stage": by_stage, "total": sum(by_stage.values())}


def board(*, stage="", year=None):
    """Every project, for the public board (branch name, title, stage)."""
    rows = Project.objects.select_related("organisation", "organisation__region")
    if year:
        rows = rows.filter(year=year)
    counted = stage_counts(rows)
    if stage:
        rows = rows.filter(stage=stage)
    return rows.order_by("organisation__region_code", "organisation__path", "pk"), counted


def years(rows):
    return sorted(set(rows.order_by().values_list("year", flat=True).distinct()), reverse=True)


def panel_figures(region_codes=None):
    """The command screen's figures: projects by stage (counts only) of organisations in the
    subtree of any of `region_codes` (None: everything)."""
    rows = Project.objects.all()
    if region_codes is not None:
        rows = rows.filter(subtree_q("organisation__region_code", list(region_codes)))
    figures = stage_counts(rows)
    figures["accepted_share"] = (
        round(figures["by_stage"][str(Stage.ACCEPTED)] * 100 / figures["total"]) if figures["total"] else 0
    )
    return figures
