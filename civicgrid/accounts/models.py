import secrets

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from civicgrid.core.scoping import RestrictedQuerySet
from civicgrid.regions.models import Department, Region

phone_validator = RegexValidator(r"^1[3-9]\d{9}$", _("请输入 11 位中国大陆手机号码。"))


def new_roles_stamp():
    """A random stamp: a user's role assignments are cached under it (accounts.scopes)."""
    return secrets.randbits(62)


class User(AbstractUser):
    """A person who signs in: a resident, a grid worker, an official…

    Residents and grid workers sign in with their phone number; staff may also use a username.
    """

    name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(
        _("手机号"), max_length=11, unique=True, null=True, blank=True, validators=[phone_validator]
    )
    # Set when community staff gave the account a temporary password: the next sign-in must change it.
    must_change_password = models.BooleanField(_("须修改密码"), default=False)
    # Changes (to a new random value, never a counter a rollback could reuse) whenever the user's
    # role assignments, or a region or department they hold a role on, change: the assignments are
    # cached across requests under (user, stamp), so every worker sees a change at the next request.
    roles_stamp = models.BigIntegerField(_("角色版本"), default=new_roles_stamp, editable=False)

    objects = UserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self):
        return self.name or self.username

    @property
    def display_name(self):
        return self.name or self.get_full_name() or self.username

    @property
    def masked_phone(self):
        return f"{self.phone[:3]}****{self.phone[-4:]}" if self.phone else ""


class Role(models.TextChoices):
    RESIDENT = "resident", _("居民")
    MICROGRID_MEMBER = "microgrid_member", _("微网格员")
    GRID_WORKER = "grid_worker", _("网格员")
    COMMUNITY_STAFF = "community_staff", _("社区工作人员")
    STREET_STAFF = "street_staff", _("街道工作人员")
    DEPARTMENT_STAFF = "department_staff", _("部门工作人员")
    # Staff of a property company (物业服务企业), held on the company's department (kind "property"):
    # they take the property repairs of the compounds their company serves (civicgrid.property).
    PROPERTY_STAFF = "property_staff", _("物业服务人员")
    COMMAND_OPERATOR = "command_operator", _("指挥中心值班员")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    # Application roles: held only by API keys (civicgrid.api), never granted to a person.
    INTEGRATION = "integration", _("接入应用（上报与查询）")
    HOTLINE_INTEGRATION = "hotline_integration", _("热线对接（登记与派遣）")


# Everyone who works cases, i.e. every role but residents.
STAFF_ROLES = frozenset(
    {
        Role.GRID_WORKER,
        Role.MICROGRID_MEMBER,
        Role.COMMUNITY_STAFF,
        Role.STREET_STAFF,
        Role.DEPARTMENT_STAFF,
        Role.COMMAND_OPERATOR,
        Role.SYSTEM_ADMIN,
    }
)


class RoleAssignmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class RoleAssignment(models.Model):
    """One role a user holds on one region node (its whole subtree) or one department."""

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("角色"), max_length=32, choices=Role)
    region = models.ForeignKey(
        Region, verbose_name=_("区划网格"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("职能部门"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    granted_by = models.ForeignKey(
        User, verbose_name=_("授权人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(_("授权时间"), auto_now_add=True)
    # Revoked assignments are kept (who held what, when) rather than deleted.
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, verbose_name=_("撤销人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [
            models.CheckConstraint(
                condition=Q(region__isnull=False, department__isnull=True)
                | Q(region__isnull=True, department__isnull=False),
                name="role_assignment_on_region_xor_department",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "region"],
                condition=Q(revoked_at__isnull=True, region__isnull=False),
                name="unique_active_role_on_region",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "department"],
                condition=Q(revoked_at__isnull=True, department__isnull=False),
                name="unique_active_role_on_department",
            ),
        ]
        indexes = [models.Index(fields=["user", "revoked_at"])]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.region or self.department}"

    @property
    def scope_code(self):
        """The region code whose subtree this assignment covers."""
        return self.region.code if self.region_id else self.department.region.code

    def clean(self):
        from civicgrid.accounts.roles import validate_assignment_target

        if self.role not in Role.values:
            return  # the field's own error says so; clean() runs after field errors too
        validate_assignment_target(self.role, self.region, self.department)


class SecurityEvent(models.Model):
    """Append-only security log: logins, failures, lockouts, logouts, role changes (≥ 6 months)."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("登录成功")
        LOGIN_FAILED = "login_failed", _("登录失败")
        LOCKED_OUT = "locked_out", _("账号锁定")
        LOGOUT = "logout", _("退出登录")
        IDLE_LOGOUT = "idle_logout", _("超时退出")
        PASSWORD_CHANGED = "password_changed", _("修改密码")
        ROLE_GRANTED = "role_granted", _("授予角色")
        ROLE_REVOKED = "role_revoked", _("撤销角色")
        REGISTERED = "registered", _("居民注册")
        REGISTRATION_DECIDED = "registration_decided", _("注册审核")
        RESET_REQUESTED = "reset_requested", _("申请找回密码")
        RESET_DONE = "reset_done", _("重置密码")

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("类型"), max_length=32, choices=Kind, db_index=True)
    user = models.ForeignKey(
        User, verbose_name=_("用户"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        User, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    username = models.CharField(_("登录名"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    user_agent = models.CharField(_("客户端"), max_length=300, blank=True)
    details = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("安全日志")
        verbose_name_plural = _("安全日志")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.get_kind_display()} {self.username}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValidationError(_("安全日志只能追加，不能修改。"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("安全日志只能追加，不能删除。"))


class RegistrationQuerySet(RestrictedQuerySet):
    def pending(self):
        return self.filter(status=Registration.Status.PENDING)


class Registration(models.Model):
    """A resident's self-registration on a community, waiting for the community's staff (or
    confirmed at once when the phone number matches a current resident in base data)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已通过")
        REJECTED = "rejected", _("未通过")

    user = models.OneToOneField(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="registration")
    community = models.ForeignKey(Region, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField(_("区域编码"), max_length=24, db_index=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status, default=Status.PENDING, db_index=True)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        User, verbose_name=_("审核人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # True when base data confirmed it (the phone matches a current resident of the community).
    matched = models.BooleanField(_("与基础数据匹配"), default=False)
    reason = models.CharField(_("未通过原因"), max_length=200, blank=True)

    scope_code_field = "region_code"
    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("居民注册")
        verbose_name_plural = _("居民注册")

    def __str__(self):
        return f"{self.user} · {self.community} · {self.get_status_display()}"


class ResetCode(models.Model):
    """A one-time password-reset code sent to a phone: stored only as a keyed hash, valid for a few
    minutes and a few attempts, used once."""

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(_("验证码摘要"), max_length=64)
    created_at = models.DateTimeField(_("发送时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("失效时间"))
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("找回密码验证码")
        verbose_name_plural = _("找回密码验证码")

    def __str__(self):
        return f"{self.user} · {self.created_at:%Y-%m-%d %H:%M}"
