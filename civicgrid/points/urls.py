"""Points: residents' pages first, the merchant counter, then staff pages (under manage/)."""

from django.urls import path

from civicgrid.points.views import resident, staff

app_name = "points"

urlpatterns = [
    path("", resident.mine, name="mine"),
    path("mall/", resident.mall_list, name="mall"),
    path("mall/<int:pk>/", resident.item_detail, name="item"),
    path("mall/<int:pk>/redeem/", resident.redeem, name="redeem"),
    path("redemptions/", resident.redemptions, name="redemptions"),
    path("redemptions/<int:pk>/cancel/", resident.cancel_redemption, name="cancel_redemption"),
    path("timebank/", resident.timebank, name="timebank"),
    path("timebank/<int:pk>/confirm/", resident.help_decide, {"decision": "confirm"}, name="help_confirm"),
    path("timebank/<int:pk>/decline/", resident.help_decide, {"decision": "decline"}, name="help_decline"),
    path("board/", resident.board, name="board"),
    path("board/visibility/", resident.board_visibility, name="board_visibility"),
    path("counter/", resident.counter, name="counter"),
    path("merchants/<int:pk>/statement/", staff.statement, name="statement"),
    path("manage/", staff.manage, name="manage"),
    path("manage/merchants/<int:pk>/", staff.merchant, name="merchant"),
    path("manage/merchants/<int:pk>/items/new/", staff.item_edit, name="item_create"),
    path("manage/merchants/<int:pk>/items/<int:item_pk>/", staff.item_edit, name="item_edit"),
    path("manage/merchants/<int:pk>/staff/", staff.merchant_staff, name="merchant_staff"),
    path("manage/awards/", staff.awards, name="awards"),
    path("manage/awards/new/", staff.award_create, name="award_create"),
    path("manage/awards/<int:pk>/approve/", staff.award_decide, {"decision": "approve"}, name="award_approve"),
    path("manage/awards/<int:pk>/reject/", staff.award_decide, {"decision": "reject"}, name="award_reject"),
    path("manage/awards/by-rule/", staff.record_rule, name="record_rule"),
    path("manage/accounts/<int:pk>/", staff.account, name="account"),
    path("manage/entries/<int:pk>/reverse/", staff.reverse_entry, name="reverse_entry"),
    path("manage/rules/", staff.rules, name="rules"),
]
