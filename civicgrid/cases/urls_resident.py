"""URL patterns of the resident pages (included by civicgrid/cases/urls.py under the "cases" namespace)."""

from django.urls import path

from civicgrid.cases.views import board, resident, uploads

urlpatterns = [
    path("report/", resident.report, name="report"),
    path("quick/", resident.quick_report, name="quick_report"),
    path("my/", resident.my_reports, name="my_reports"),
    path("my/<str:number>/", resident.my_report, name="my_report"),
    path("my/<str:number>/evaluate/", resident.evaluate, name="evaluate"),
    path("my/<str:number>/reopen/", resident.reopen, name="reopen"),
    path("follow/<str:number>/", resident.follow, name="follow"),
    path("uploads/", uploads.upload, name="upload"),
    path("uploads/<str:token>/", uploads.preview, name="upload_preview"),
    path("uploads/<str:token>/delete/", uploads.discard, name="upload_discard"),
    path("attachments/<int:pk>/", resident.attachment, name="attachment"),
    path("attachments/<int:pk>/thumb/", resident.attachment, {"variant": "thumb"}, name="attachment_thumb"),
    path("board/", board.board_home, name="board_home"),
    path("board/<str:code>/", board.board, name="board"),
    path("board/<str:code>/settings/", board.board_settings, name="board_settings"),
    path("board/<str:code>/<str:number>/", board.board_case, name="board_case"),
    path("board/<str:code>/<str:number>/comment/", board.comment, name="board_comment"),
    path("board/<str:code>/<str:number>/react/<str:kind>/", board.react, name="board_react"),
    path("board/<str:code>/<str:number>/abuse/", board.abuse, name="board_abuse"),
    path("board/<str:code>/<str:number>/hide/", board.hide_case, name="board_hide_case"),
    path("board/<str:code>/<str:number>/release/", board.release_case, name="board_release_case"),
    path(
        "board/<str:code>/<str:number>/comments/<int:comment_id>/release/",
        board.release_comment,
        name="board_release_comment",
    ),
    path(
        "board/<str:code>/<str:number>/comments/<int:comment_id>/hide/",
        board.hide_comment,
        name="board_hide_comment",
    ),
]
