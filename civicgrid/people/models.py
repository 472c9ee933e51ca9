"""Base data: 人进户、户进房、房进楼、楼进格.

compound (小区) → building (楼栋, in one grid) → unit (单元) → house (房屋) → household (户) → person.
Every row that can be scoped carries `region_code`, the code of the grid its building lies in (a
copy kept by the actions), so `restrict()` is one indexed range condition and never a join
(civicgrid.core.models.ScopedModel).

Persons' ID numbers and phones, and the contact phones of merchants and property companies, are stored
encrypted (`*_enc`), with a keyed hash for exact search (`*_hash`) and the masked form for display
(`*_masked`); see protection.py. The contact phones share one abstract base, SealedContactPhone.
"""

import re

from django.conf import settings
from django.db import models
from django.db.models import F
from django.db.models.functions import Collate
from django.utils.translation import gettext_lazy as _

from civicgrid.core.models import ScopedModel, TimeStampedModel
from civicgrid.regions.models import Region


class CodepointIndex(models.Index):
    """An index ending in one text column in code-point order, whatever the database's collation: on
    PostgreSQL the expression `column COLLATE "C"`, which answers both a prefix search (as a range)
    and ORDER BY in that collation; SQLite's default BINARY collation already is code-point order,
    so there it is a plain index on the columns. `fields` are plain leading columns."""

    def __init__(self, *, field, name, fields=()):
        self.column_name, self.leading = field, tuple(fields)
        super().__init__(*(F(f) for f in self.leading), Collate(field, "C"), name=name)

    def deconstruct(self):
        path, _args, kwargs = super().deconstruct()
        kwargs = {"field": self.column_name, "name": self.name}
        if self.leading:
            kwargs["fields"] = list(self.leading)
        return path, (), kwargs

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor == "postgresql":
            return super().create_sql(model, schema_editor, using, **kwargs)
        plain = models.Index(fields=[*self.leading, self.column_name], name=self.name)
        return plain.create_sql(model, schema_editor, using, **kwargs)


class SealedContactPhone(models.Model):
    """A contact phone (of a property company, a merchant…) sealed like persons' (protection.py): never
    stored in plain text, only encrypted, with a keyed hash for exact search and the masked form
    for display. Written through actions.py, which seals the value. (A person's own phone reads
    "手机号" and is indexed in Person.Meta, so Person declares its own trio.)"""

    phone_enc = models.TextField(_("联系电话（密文）"), blank=True)
    phone_hash = models.CharField(_("联系电话（检索摘要）"), max_length=64, blank=True, db_index=True)
    phone_masked = models.CharField(_("联系电话"), max_length=20, blank=True)

    class Meta:
        abstract = True


class PropertyCompany(SealedContactPhone, ScopedModel, TimeStampedModel):
    name = models.CharField(_("名称"), max_length=100)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    contact = models.CharField(_("联系人"), max_length=50, blank=True)
    region = models.ForeignKey(Region, verbose_name=_("登记区域"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["name"]
        verbose_name = _("物业公司")
        verbose_name_plural = _("物业公司")

    def __str__(self):
        return self.name


class Compound(ScopedModel, TimeStampedModel):
    """小区 / 楼院, in one community, with a star class (星级小区 1–5, 0 = not rated)."""

    name = models.CharField(_("名称"), max_length=100)
    community = models.ForeignKey(Region, verbose_name=_("所属社区"), on_delete=models.PROTECT, related_name="+")
    address = models.CharField(_("地址"), max_length=200, blank=True)
    star = models.PositiveSmallIntegerField(_("星级"), default=0)
    property_company = models.ForeignKey(
        PropertyCompany,
        verbose_name=_("物业公司"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="compounds",
    )

    class Meta:
        ordering = ["region_code", "name"]
        verbose_name = _("小区")
        verbose_name_plural = _("小区")

    def __str__(self):
        return self.name


class BuildingType(models.TextChoices):
    RESIDENTIAL = "residential", _("住宅楼")
    BUNGALOW = "bungalow", _("平房")
    MIXED = "mixed", _("商住两用")
    COMMERCIAL = "commercial", _("商业楼宇")
    PUBLIC = "public", _("公共建筑")
    OTHER = "other", _("其他")


class Building(ScopedModel, TimeStampedModel):
    code = models.CharField(_("楼栋编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    grid = models.ForeignKey(Region, verbose_name=_("所属网格"), on_delete=models.PROTECT, related_name="buildings")
    compound = models.ForeignKey(
        Compound, verbose_name=_("小区"), null=True, blank=True, on_delete=models.SET_NULL, related_name="buildings"
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    building_type = models.CharField(_("类型"), max_length=16, choices=BuildingType, default=BuildingType.RESIDENTIAL)
    floors = models.PositiveSmallIntegerField(_("地上层数"), default=1)
    units = models.PositiveSmallIntegerField(_("单元数"), default=1)
    lon = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)

    class Meta:
        ordering = ["region_code", "code"]
        verbose_name = _("楼栋")
        verbose_name_plural = _("楼栋")

    def __str__(self):
        return self.name


class Unit(models.Model):
    building = models.ForeignKey(Building, verbose_name=_("楼栋"), on_delete=models.CASCADE, related_name="unit_set")
    number = models.CharField(_("单元号"), max_length=10)

    class Meta:
        ordering = ["building", "number"]
        constraints = [models.UniqueConstraint(fields=["building", "number"], name="people_unit_unique")]
        verbose_name = _("单元")
        verbose_name_plural = _("单元")

    def __str__(self):
        return f"{self.building} {self.number}"


class Usage(models.TextChoices):
    SELF = "self", _("自住")
    RENTED = "rented", _("出租")
    VACANT = "vacant", _("空置")
    HOMESTAY = "homestay", _("民宿")
    COMMERCIAL = "commercial", _("商用")


class House(ScopedModel, TimeStampedModel):
    building = models.ForeignKey(Building, verbose_name=_("楼栋"), on_delete=models.PROTECT, related_name="houses")
    unit = models.ForeignKey(
        Unit, verbose_name=_("单元"), null=True, blank=True, on_delete=models.PROTECT, related_name="houses"
    )
    floor = models.SmallIntegerField(_("楼层"))
    number = models.CharField(_("房号"), max_length=20)
    area = models.DecimalField(_("面积（㎡）"), max_digits=8, decimal_places=2, null=True, blank=True)
    usage = models.CharField(_("用途"), max_length=16, choices=Usage, default=Usage.SELF, db_index=True)
    last_verified_at = models.DateTimeField(_("最近核查时间"), null=True, blank=True, db_index=True)
    last_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("最近核查人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["building", "unit", "floor", "number"]
        constraints = [models.UniqueConstraint(fields=["building", "unit", "number"], name="people_house_unique")]
        verbose_name = _("房屋")
        verbose_name_plural = _("房屋")

    def __str__(self):
        unit = f"{self.unit.number}单元" if self.unit_id else ""
        return f"{self.building.name}{unit}{self.number}"

    @property
    def label(self):
        return str(self)


class Household(ScopedModel, TimeStampedModel):
    house = models.ForeignKey(House, verbose_name=_("房屋"), on_delete=models.PROTECT, related_name="households")
    number = models.CharField(_("户号"), max_length=30, blank=True)
    head = models.ForeignKey(
        "Person", verbose_name=_("户主"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_active = models.BooleanField(_("在住"), default=True)
    last_verified_at = models.DateTimeField(_("最近核查时间"), null=True, blank=True, db_index=True)
    last_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("最近核查人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["house", "id"]
        verbose_name = _("户")
        verbose_name_plural = _("户")

    def __str__(self):
        return self.number or f"{self.house_id}-{self.pk}"


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class ResidenceType(models.TextChoices):
    REGISTERED = "registered", _("户籍人口")
    FLOATING = "floating", _("流动人口")
    FOREIGN = "foreign", _("境外人员")


class Relation(models.TextChoices):
    HEAD = "head", _("本人（户主）")
    SPOUSE = "spouse", _("配偶")
    CHILD = "child", _("子女")
    PARENT = "parent", _("父母")
    GRANDCHILD = "grandchild", _("孙子女")
    SIBLING = "sibling", _("兄弟姐妹")
    TENANT = "tenant", _("租户")
    OTHER = "other", _("其他")


class Political(models.TextChoices):
    MASSES = "masses", _("群众")
    CPC = "cpc", _("中共党员")
    PROBATIONARY = "probationary", _("中共预备党员")
    LEAGUE = "league", _("共青团员")
    OTHER_PARTY = "other_party", _("民主党派")


class Person(ScopedModel, TimeStampedModel):
    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    id_number_enc = models.TextField(_("身份证号（密文）"), blank=True)
    id_number_hash = models.CharField(_("身份证号（检索摘要）"), max_length=64, blank=True)
    id_number_masked = models.CharField(_("身份证号"), max_length=24, blank=True)
    phone_enc = models.TextField(_("手机号（密文）"), blank=True)
    phone_hash = models.CharField(_("手机号（检索摘要）"), max_length=64, blank=True)
    phone_masked = models.CharField(_("手机号"), max_length=20, blank=True)
    ethnicity = models.CharField(_("民族"), max_length=20, blank=True)
    residence_type = models.CharField(
        _("人口类型"), max_length=16, choices=ResidenceType, default=ResidenceType.REGISTERED
    )
    relation = models.CharField(_("与户主关系"), max_length=16, choices=Relation, blank=True)
    political_status = models.CharField(_("政治面貌"), max_length=16, choices=Political, blank=True)
    notes = models.TextField(_("备注"), blank=True)
    house = models.ForeignKey(
        House, verbose_name=_("现住房屋"), null=True, blank=True, on_delete=models.PROTECT, related_name="persons"
    )
    household = models.ForeignKey(
        Household, verbose_name=_("所在户"), null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    # The grid of the current house; kept after moving out (the last grid answers for the record).
    # Not indexed alone: the scope-and-name index below leads with it.
    region_code = models.CharField(_("区域编码"), max_length=24)
    moved_out_at = models.DateField(_("迁出日期"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("匿名化时间"), null=True, blank=True)
    tags = models.ManyToManyField("Tag", verbose_name=_("标签"), through="PersonTag", related_name="persons")

    class Meta:
        ordering = ["name", "id"]
        # Every index is paid for by each imported row (bench people.import), so only those a query
        # needs: scope ranges with the name (a grid's persons by name, checked in the index), name
        # search over a wide scope in code-point order, exact search by the keyed hashes (plain
        # btrees: no LIKE pattern indexes on hashes), moved-out persons for the anonymisation job
        # (partial: current residents are not in it).
        indexes = [
            CodepointIndex(fields=["region_code"], field="name", name="people_person_region_name_cp"),
            CodepointIndex(field="name", name="people_person_name_cp"),
            models.Index(fields=["id_number_hash"], name="people_person_id_hash"),
            models.Index(fields=["phone_hash"], name="people_person_phone_hash"),
            models.Index(
                fields=["moved_out_at"], name="people_person_moved_out", condition=models.Q(moved_out_at__isnull=False)
            ),
        ]
        verbose_name = _("人员")
        verbose_name_plural = _("人员")

    def __str__(self):
        return self.name

    @property
    def is_current(self):
        return self.house_id is not None and self.moved_out_at is None


class Residence(models.Model):
    """One stay of a person in a house: the move-in and move-out history."""

    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="residences")
    house = models.ForeignKey(House, verbose_name=_("房屋"), on_delete=models.PROTECT, related_name="residences")
    household = models.ForeignKey(
        Household, verbose_name=_("户"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moved_in = models.DateField(_("迁入日期"))
    moved_out = models.DateField(_("迁出日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["-moved_in", "-id"]
        verbose_name = _("居住记录")
        verbose_name_plural = _("居住记录")

    def __str__(self):
        return f"{self.person_id}@{self.house_id} {self.moved_in}"


class Sensitivity(models.IntegerChoices):
    NORMAL = 1, _("一般")
    SENSITIVE = 2, _("敏感")
    RESTRICTED = 3, _("高度敏感")


class Tag(models.Model):
    """A special group (特殊人群) as data; who may see it depends on its sensitivity (roles.py)."""

    code = models.SlugField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    sensitivity = models.PositiveSmallIntegerField(_("敏感级别"), choices=Sensitivity, default=Sensitivity.NORMAL)
    colour = models.CharField(_("颜色"), max_length=7, default="#6c757d")
    description = models.CharField(_("说明"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("人员标签")
        verbose_name_plural = _("人员标签")

    def __str__(self):
        return self.name


class PersonTag(models.Model):
    # The unique constraint (person, tag) is the index for person look-ups.
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="person_tags", db_index=False)
    tag = models.ForeignKey(Tag, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("标记时间"), auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "tag"], name="people_persontag_unique")]
        verbose_name = _("人员标签")
        verbose_name_plural = _("人员标签")

    def __str__(self):
        return f"{self.person_id}:{self.tag_id}"


class Rental(ScopedModel, TimeStampedModel):
    house = models.ForeignKey(House, verbose_name=_("房屋"), on_delete=models.PROTECT, related_name="rentals")
    landlord = models.ForeignKey(
        Person, verbose_name=_("房东"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    landlord_name = models.CharField(_("房东姓名"), max_length=50, blank=True)
    tenants = models.ManyToManyField(Person, verbose_name=_("租户"), blank=True, related_name="rentals")
    start = models.DateField(_("起租日期"))
    end = models.DateField(_("到期日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["-start"]
        verbose_name = _("出租登记")
        verbose_name_plural = _("出租登记")

    def __str__(self):
        return f"{self.house_id} {self.start}"


class EnterpriseKind(models.TextChoices):
    MERCHANT = "merchant", _("商户")
    ENTERPRISE = "enterprise", _("企业")
    INSTITUTION = "institution", _("机构")


class Enterprise(SealedContactPhone, ScopedModel, TimeStampedModel):
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类别"), max_length=16, choices=EnterpriseKind, default=EnterpriseKind.MERCHANT)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    grid = models.ForeignKey(Region, verbose_name=_("所属网格"), on_delete=models.PROTECT, related_name="+")
    building = models.ForeignKey(
        Building, verbose_name=_("楼栋"), null=True, blank=True, on_delete=models.SET_NULL, related_name="enterprises"
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    industry = models.CharField(_("行业"), max_length=50, blank=True)
    contact = models.CharField(_("联系人"), max_length=50, blank=True)
    employees = models.PositiveIntegerField(_("从业人数"), default=0)

    class Meta:
        ordering = ["region_code", "name"]
        verbose_name = _("商户企业")
        verbose_name_plural = _("商户企业")

    def __str__(self):
        return self.name


class AccessKind(models.TextChoices):
    UNMASK = "unmask", _("查看明文")
    EXPORT = "export", _("导出")
    IMPORT = "import", _("导入")


UNMASKABLE_LABELS = {"id_number": _("身份证号"), "phone": _("手机号")}
LEGACY_EXPORT_DETAIL = re.compile(r"^(\S*) tag=(\S*) q=(.*) (plain|masked)$")


class AccessLog(ScopedModel):
    """Who saw or took personal data: every unmask, export and import. Append-only."""

    kind = models.CharField(_("类型"), max_length=16, choices=AccessKind)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT)
    at = models.DateTimeField(_("时间"), db_index=True)
    person = models.ForeignKey(
        Person, verbose_name=_("人员"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    field = models.CharField(_("字段"), max_length=30, blank=True)
    reason = models.CharField(_("事由"), max_length=200, blank=True)
    detail = models.CharField(_("详情"), max_length=300, blank=True)
    rows = models.PositiveIntegerField(_("行数"), default=0)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    # Empty for an access with no one place (an export over the whole tree).
    region_code = models.CharField(_("区域编码"), max_length=24, blank=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("个人信息访问日志")
        verbose_name_plural = _("个人信息访问日志")

    def __str__(self):
        return f"{self.kind} {self.user_id} {self.at:%Y-%m-%d %H:%M}"

    @property
    def field_label(self):
        """The unmasked field as people call it (身份证号), not its name (id_number)."""
        return str(UNMASKABLE_LABELS.get(self.field, self.field))

    @property
    def detail_words(self):
        """The detail in words; rows written before exports logged words (`<code> tag=… q=… plain`)
        are read back into them."""
        from civicgrid.people.labels import export_detail

        match = LEGACY_EXPORT_DETAIL.match(self.detail or "")
        if match is None:
            return self.detail
        code, tag, query, plain = match.groups()
        return export_detail(code, tag, query, plain == "plain")


class ImportKind(models.TextChoices):
    BUILDINGS = "buildings", _("楼栋")
    HOUSES = "houses", _("房屋")
    PERSONS = "persons", _("人员")


class ImportRun(models.Model):
    """One uploaded file: accepted (applied in one transaction) or rejected with its row errors."""

    kind = models.CharField(_("类型"), max_length=16, choices=ImportKind)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT)
    at = models.DateTimeField(_("时间"))
    filename = models.CharField(_("文件名"), max_length=200)
    sha256 = models.CharField(_("文件摘要"), max_length=64)
    rows = models.PositiveIntegerField(_("行数"), default=0)
    created = models.PositiveIntegerField(_("新增"), default=0)
    updated = models.PositiveIntegerField(_("更新"), default=0)
    accepted = models.BooleanField(_("已导入"), default=False)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    region_code = models.CharField(_("区域编码"), max_length=24, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("导入记录")
        verbose_name_plural = _("导入记录")

    def __str__(self):
        return f"{self.kind} {self.filename}"
