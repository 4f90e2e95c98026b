import datetime

from django.conf import settings
from django.contrib.auth.models import (
    AbstractBaseUser,
    BaseUserManager,
    PermissionsMixin,
)
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from users.languages import SPOKEN_LANGUAGES, language_name

EARLIEST_BIRTH_YEAR = 1900


class Language(models.Model):
    """A language people speak; used to match coaches with partner organisations."""

    code = models.CharField(_("code"), max_length=12, primary_key=True)

    class Meta:
        verbose_name = _("language")
        verbose_name_plural = _("languages")
        ordering = ["code"]

    def __str__(self) -> str:
        return language_name(self.code)

    def clean(self) -> None:
        if self.code not in SPOKEN_LANGUAGES:
            raise ValidationError({"code": _("Unknown language code.")})


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> "User":
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


def validate_birth_year(value: int) -> None:
    this_year = timezone.localdate().year
    if not EARLIEST_BIRTH_YEAR <= value <= this_year:
        raise ValidationError(
            _("Enter a year between %(first)s and %(last)s."),
            params={"first": EARLIEST_BIRTH_YEAR, "last": this_year},
            code="birth_year",
        )


class User(AbstractBaseUser, PermissionsMixin):
    """A person: trainee, trainer, administrator or supervisor.

    E-mail is the login. Gender and birth year exist only for the funder's
    equality reporting and are optional: leaving them empty is always allowed.
    """

    class Gender(models.TextChoices):
        WOMAN = "woman", _("Woman")
        MAN = "man", _("Man")
        OTHER = "other", _("Other")
        PREFER_NOT_TO_SAY = "prefer_not_to_say", _("Prefer not to say")

    email = models.EmailField(_("e-mail address"), unique=True)
    legal_name = models.CharField(
        _("legal name"),
        max_length=200,
        help_text=_("Your full name as it should appear on certificates."),
    )
    preferred_name = models.CharField(
        _("preferred name"),
        max_length=100,
        blank=True,
        help_text=_("What you would like us to call you."),
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    gender = models.CharField(
        _("gender"),
        max_length=20,
        choices=Gender.choices,
        blank=True,
        help_text=_("Optional. Used only in anonymous statistics for the funder."),
    )
    birth_year = models.PositiveSmallIntegerField(
        _("year of birth"),
        null=True,
        blank=True,
        validators=[validate_birth_year],
        help_text=_("Optional. Used only in anonymous statistics for the funder."),
    )
    languages = models.ManyToManyField(
        Language,
        verbose_name=_("languages you speak"),
        blank=True,
        related_name="speakers",
    )
    municipality = models.CharField(
        _("municipality"),
        max_length=100,
        blank=True,
        help_text=_("Optional. Helps us suggest placements near you."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["legal_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["legal_name", "email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        return self.preferred_name or self.legal_name

    def get_short_name(self) -> str:
        return self.preferred_name or self.legal_name.split(" ")[0]

    @property
    def first_name(self) -> str:
        # Wagtail's admin chrome greets people by first name.
        return self.get_short_name()

    @property
    def last_name(self) -> str:
        return ""

    def age_band(self, *, on: datetime.date) -> str:
        from users.equality import age_band

        return age_band(birth_year=self.birth_year, on=on)
