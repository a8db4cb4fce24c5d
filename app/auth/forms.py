"""Forms of the auth pages (Flask-WTF: CSRF included)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    login = StringField(_l("Login"), validators=[DataRequired(_l("Enter your login.")), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password."))])


class ApiTokenForm(FlaskForm):
    name = StringField(_l("Name of the token"), validators=[
        DataRequired(_l("Give the token a name, e.g. QGIS on my computer.")),
        Length(max=120, message=_l("Use at most 120 characters."))])
