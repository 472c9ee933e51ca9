"""Open APIs: applications and their API keys, idempotency records, webhook subscriptions with
their outbox and delivery log, and the Open311 record of requests filed through GeoReport v2.

Rows here are written by `civicgrid.api.actions` (keys, subscriptions), `civicgrid.api.idempotency`
and `civicgrid.api.webhooks`; cases themselves are only ever written by `civicgrid.cases.actions`.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from civicgrid.accounts.models import Role
from civicgrid.regions.models import Region

# The roles an application key may act in — only the application roles (accounts/roles.py), never a
# person's role (least privilege: no base data, no sensitive tags, no administration). An intake
# integration (Open311 clients, mini-programs) files cases as "API·Open311" and reads its region's
# cases; a hotline integration also registers 12345 work orders and may take the dispatcher's steps
# in its region. The database refuses any other role (constraint api_key_role_is_an_application_role).
KEY_ROLES = [(role.value, role.label) for role in (Role.INTEGRATION, Role.HOTLINE_INTEGRATION)]


class Application(models.Model):
    """A system that calls CivicGrid (a WeChat mini-program, a 12345 hotline system, an operations
    centre). It acts through its own service account, which cannot sign in to the pages."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    description = models.TextField(_("说明"), blank=True)
    contact = models.CharField(_("联系人"), max_length=100, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("服务账号"), on_delete=models.PROTECT, related_name="api_application"
    )
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("接入应用")
        verbose_name_plural = _("接入应用")

    def __str__(self):
        return self.name


class ApiKey(models.Model):
    """One key of an application. Only its SHA-256 is stored (keys are long random strings, so a
    plain digest is safe and lets the key be found by an indexed lookup); each key is bound to a
    region subtree, a role it acts in there, and a rate limit."""

    application = models.ForeignKey(
        Application,
        verbose_name=pgettext_lazy("API application", "应用"),
        on_delete=models.CASCADE,
        related_name="keys",
    )
    name = models.CharField(_("名称"), max_length=100, blank=True)
    prefix = models.CharField(_("前缀"), max_length=12, help_text=_("密钥开头几位，便于辨认。"))
    key_hash = models.CharField(_("密钥摘要"), max_length=64, unique=True)
    role = models.CharField(_("身份"), max_length=32, choices=KEY_ROLES, default=Role.INTEGRATION.value)
    region = models.ForeignKey(Region, verbose_name=_("数据范围"), on_delete=models.PROTECT, related_name="+")
    rate_per_minute = models.PositiveIntegerField(_("每分钟请求上限"), default=120)
    suggest_category = models.BooleanField(
        _("可由系统判断类别"),
        default=False,
        help_text=_("勾选后，Open311 上报可不带 service_code，由智能分拨按描述选定类别（不够确定时仍要求填写）。"),
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    expires_at = models.DateTimeField(_("到期时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        ordering = ["application_id", "-created_at"]
        verbose_name = _("API 密钥")
        verbose_name_plural = _("API 密钥")
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=[value for value, _label in KEY_ROLES]),
                name="api_key_role_is_an_application_role",
                violation_error_message=_("API 密钥只能使用应用角色（接入应用或热线对接）。"),
            )
        ]

    def __str__(self):
        return f"{self.application} · {self.prefix}…"

    @property
    def is_usable(self):
        now = timezone.now()
        return (
            self.revoked_at is None
            and (self.expires_at is None or self.expires_at > now)
            and self.application.is_active
            and self.application.user.is_active
        )


class IdempotencyRecord(models.Model):
    """The first response to a creating POST sent with an Idempotency-Key, kept so a retry gets
    the same answer instead of creating a second case."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(_("幂等键"), max_length=255)
    method = models.CharField(_("方法"), max_length=8)
    path = models.CharField(_("路径"), max_length=300)
    body_hash = models.CharField(_("请求摘要"), max_length=64)
    # Empty while the first request is still being answered.
    status_code = models.PositiveSmallIntegerField(_("状态码"), null=True, blank=True)
    content_type = models.CharField(_("内容类型"), max_length=100, blank=True)
    body = models.BinaryField(_("响应内容"), blank=True, default=b"")
    headers = models.JSONField(_("响应头"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("幂等记录")
        verbose_name_plural = _("幂等记录")
        constraints = [models.UniqueConstraint(fields=["owner", "key"], name="idempotency_key_once_per_owner")]

    def __str__(self):
        return f"{self.owner_id} · {self.key}"


class WebhookSubscription(models.Model):
    """An application's subscription to case events of a region subtree."""

    application = models.ForeignKey(
        Application,
        verbose_name=pgettext_lazy("API application", "应用"),
        on_delete=models.CASCADE,
        related_name="webhooks",
    )
    url = models.URLField(_("接收地址"), max_length=500)
    secret = models.CharField(_("签名密钥"), max_length=128, help_text=_("用于 HMAC-SHA256 签名。"))
    region = models.ForeignKey(Region, verbose_name=_("区域范围"), on_delete=models.PROTECT, related_name="+")
    # Case event types (civicgrid.cases.models.EventType); empty means every event.
    event_types = models.JSONField(_("事件类型"), default=list, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("Webhook 订阅")
        verbose_name_plural = _("Webhook 订阅")

    def __str__(self):
        return f"{self.application} → {self.url}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待投递")
    DELIVERED = "delivered", _("已投递")
    FAILED = "failed", _("投递失败")


class WebhookDelivery(models.Model):
    """The outbox: one row per (subscription, case event), written in the case event's transaction."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subscription = models.ForeignKey(
        WebhookSubscription, verbose_name=_("订阅"), on_delete=models.CASCADE, related_name="deliveries"
    )
    case_event = models.ForeignKey(
        "cases.CaseEvent", verbose_name=_("案件事件"), on_delete=models.PROTECT, related_name="+"
    )
    event_type = models.CharField(_("事件类型"), max_length=40)
    payload = models.JSONField(_("内容"))
    status = models.CharField(_("状态"), max_length=16, choices=DeliveryStatus, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试"), default=timezone.now)
    last_status_code = models.PositiveSmallIntegerField(_("最近状态码"), null=True, blank=True)
    last_error = models.CharField(_("最近错误"), max_length=300, blank=True)
    delivered_at = models.DateTimeField(_("投递时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("Webhook 投递")
        verbose_name_plural = _("Webhook 投递")
        indexes = [models.Index(fields=["next_attempt_at"], condition=Q(status="pending"), name="webhook_delivery_due")]

    def __str__(self):
        return f"{self.event_type} → {self.subscription_id} ({self.get_status_display()})"


class WebhookAttempt(models.Model):
    """The delivery log: every attempt with its answer."""

    delivery = models.ForeignKey(WebhookDelivery, verbose_name=_("投递"), on_delete=models.CASCADE, related_name="log")
    at = models.DateTimeField(_("时间"), default=timezone.now)
    status_code = models.PositiveSmallIntegerField(_("状态码"), null=True, blank=True)
    error = models.CharField(_("错误"), max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(_("耗时（毫秒）"), default=0)

    class Meta:
        ordering = ["delivery_id", "at"]
        verbose_name = _("投递记录")
        verbose_name_plural = _("投递记录")

    def __str__(self):
        return f"{self.delivery_id} @ {self.at:%Y-%m-%d %H:%M:%S} {self.status_code or self.error}"


class Open311Request(models.Model):
    """What an Open311 client sent with a service request beyond the case itself."""

    case = models.OneToOneField("cases.Case", verbose_name=_("案件"), on_delete=models.PROTECT, related_name="open311")
    token = models.CharField(_("令牌"), max_length=40, unique=True)
    api_key = models.ForeignKey(
        ApiKey, verbose_name=_("API 密钥"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    attributes = models.JSONField(_("附加属性"), default=dict, blank=True)
    media_url = models.URLField(_("媒体链接"), max_length=500, blank=True)
    email = models.EmailField(_("邮箱"), blank=True)
    device_id = models.CharField(_("设备标识"), max_length=100, blank=True)
    account_id = models.CharField(_("账号标识"), max_length=100, blank=True)
    address_id = models.CharField(_("地址标识"), max_length=24, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("Open311 请求")
        verbose_name_plural = _("Open311 请求")

    def __str__(self):
        return self.token
