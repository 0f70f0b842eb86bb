"""Messages of the user, role and district administration pages: why a form or an action is refused."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from dashboard.core.i18n import N_, Translator
from data.admin.rules import AdminRefused
from layouts.accounts.overseas_users import OVERSEAS_REASONS
from layouts.accounts.register import REASONS, UNKNOWN_REASON

FIELD_REASONS = {
    **OVERSEAS_REASONS,
    "customs_need_district": N_("Customs staff belong to a customs district: choose one."),
    "customs_no_enterprise": N_("Customs staff belong to no enterprise: clear the enterprise."),
    "enterprise_needed": N_("Enterprise and overseas users belong to an enterprise: choose one."),
    "enterprise_no_district": N_("Enterprise and overseas users belong to no customs district: clear the district."),
    "admin_no_organisation": N_("System administrators belong to no district or enterprise: clear it."),
    "unknown_district": N_("No such customs district."),
    "district_retired": N_("This customs district is retired and takes no new records."),
    "unknown_enterprise": N_("No such enterprise."),
    "enterprise_not_approved": N_("This enterprise's registration is not approved."),
    "role_without_kind": N_("This role sits under no built-in role, so its users' organisation is unknown."),
    "unknown_role": N_("No such role."),
    "outside_your_scope": N_("This user would be outside the organisations you administer."),
    "email_for_link": N_("Give an e-mail address for the link to set a password, or set a password."),
    "choose_lock_time": N_("Choose how long to lock the account."),
    "role_code_format": N_("2 to 32 lower-case letters, digits or _, starting with a letter."),
    "role_code_taken": N_("A role with this code exists; choose another."),
    "role_name_taken": N_("Another role has this name."),
    "role_parent_needed": N_("Choose the role it belongs under."),
    "role_parent_cycle": N_("A role cannot be moved under itself or a role below it."),
    "same_role": N_("Choose another role."),
    "district_code_format": N_("A district code has 4 digits."),
    "district_code_taken": N_("A district with this code exists; choose another."),
    "district_name_taken": N_("Another district has this Chinese name."),
    "district_parent_level": N_("A subordinate customs house takes no districts below it: choose a direct one."),
    "sort_format": N_("A whole number from 0 to 9999."),
}

REFUSALS = {
    "last_administrator": N_("This would leave no active administrator who can manage roles. First give another "
                             "active user a role with the permission “Roles and permissions”."),
    "not_yourself": N_("You cannot lock or deactivate your own account: ask another administrator."),
    "own_role": N_("You cannot change your own role: ask another administrator."),
    "user_deleted": N_("This user has been deleted; the account is kept only for the history."),
    "no_email": N_("This user has no e-mail address: add one first, or set a new password in the form."),
    "reset_throttled": N_("Three reset links were sent in the last hour; try again later."),
    "reset_inactive": N_("Reactivate the user before sending a reset link."),
    "builtin_role": N_("Built-in roles cannot be deleted."),
    "builtin_role_fixed": N_("Built-in roles keep their place in the role tree."),
    "role_has_children": N_("{n} roles sit under this role: move or delete them first."),
    "role_has_users": N_("{n} users hold this role: move them to another role first (Users of this role, below)."),
    "role_in_notifications": N_("{n} notifications are addressed to this role: change them first."),
    "role_kind_change_with_users": N_("{n} users hold this role or a role below it, and their organisation would "
                                      "not fit under the new parent: move them first."),
    "unknown_permission": N_("Unknown permissions: {codes}."),
    "user_does_not_fit_role": N_("{account} cannot take this role: {reason}"),
    "district_code_in_use": N_("Records refer to this code, so it cannot change. Add a district with the new code "
                               "and retire this one. It is referred to by:"),
    "district_in_use": N_("Records refer to this district, so it cannot be deleted. Retire it instead: it stays in "
                          "the history and the statistics. It is referred to by:"),
    "district_has_active_children": N_("{n} active districts sit under this one: retire them first."),
    "district_has_active_users": N_("{n} active users belong to this district: move or deactivate them first."),
    "district_parent_retired": N_("Its direct customs house {parent} is retired: reactivate that one first."),
}

# what refers to a district, by table (data.admin.districts.district_references)
REFERRING_TABLES = {
    "sub_district": N_("Subordinate districts"),
    "app_user": N_("Users"),
    "enterprise": N_("Enterprises"),
    "declaration": N_("Declarations"),
    "certificate_application": N_("Certificate applications"),
    "certificate": N_("Certificates"),
    "event": N_("Event log"),
    "notification": N_("Notifications"),
}
STATISTICS_TABLES = N_("Statistics roll-ups")  # tables named stats_* (data/migrations 0009)


def field_reason(t: Translator, code: str) -> str:
    """Return the sentence for a form field's reason code."""
    return t(FIELD_REASONS.get(code) or REASONS.get(code) or UNKNOWN_REASON)


def refusal(t: Translator, exc: AdminRefused) -> dbc.Alert:
    """Return the alert explaining a refused action (with the list of what refers to a district)."""
    values = dict(exc.values)
    tables = values.pop("tables", None)
    if "reason" in values:
        values["reason"] = field_reason(t, values["reason"])
    text = t(REFUSALS.get(exc.code, UNKNOWN_REASON), **values)
    labels: list[str] = []
    for name in tables or ():
        label = STATISTICS_TABLES if name.startswith("stats_") else REFERRING_TABLES.get(name)
        text_of = t(label) if label else name
        if text_of not in labels:
            labels.append(text_of)
    listed = html.Ul([html.Li(label) for label in labels], className="mb-0") if labels else None
    return dbc.Alert([html.Div(text), listed], color="warning", className="admin-refusal")


def done(text: str) -> dbc.Alert:
    return dbc.Alert(text, color="success", duration=6000)


def failed(text: str) -> dbc.Alert:
    return dbc.Alert(text, color="danger")
