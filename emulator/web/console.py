"""The web console at ``/_emulator/console/``: AMI pages and a live organization diagram.

It mirrors the EC2 console's AMI pages and acts as one account in one Region.

Every page reads and changes the world through the same core calls as the AWS API, holding
``world.lock``, and words every refusal exactly as the API would ("code: message"). The console
keeps no world state of its own: the acting account and Region travel in the query string and
are held in the session, and the permissions editor carries its pending changes in its own
form. Every form carries the session's CSRF token; a POST without it is refused.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any
from urllib.parse import urlencode

from flask import (
    Blueprint,
    Response,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from emulator.api.registry import CATALOGUES
from emulator.core.access.layers.allowed_images import LAYER as ALLOWED_IMAGES
from emulator.core.access.layers.launch_permission import LAYER as LAUNCH_PERMISSION
from emulator.core.authorization import RUN_INSTANCES, AccessRequest
from emulator.core.clock import iso, parse_time
from emulator.core.ec2.images import block_public_access as bpa
from emulator.core.ec2.images import lifecycle
from emulator.core.ec2.images.catalog import (
    describe_images,
    image_attribute,
    modify_launch_permissions,
)
from emulator.core.ec2.images.launch_permissions import ORG, OU, USER
from emulator.core.ec2.images.records import DISABLED, Image
from emulator.core.errors import CoreError, InvalidValue, NotAuthorized
from emulator.core.explain import access, explain
from emulator.core.iam.documents import trusted_principals
from emulator.core.world import World
from emulator.web import console_context as ctx
from emulator.web import console_policies
from emulator.web.console_permissions import Draft, arn_grant
from emulator.web.console_tree import (
    ROOT_CHOICE,
    build_tree,
    grant_words,
    principal_choices,
    verdict,
)
from emulator.web.worlds import current_world

blueprint = Blueprint(
    "console",
    __name__,
    template_folder="templates",
    static_folder="static/console",
    static_url_path="/static",
)

SCOPES = {
    "all": ("All images I can launch", {}),
    "owned": ("Owned by me", {"owners": ["self"]}),
    "shared": ("Shared with me", {"executable_users": ["self"]}),
    "public": ("Public images", {"executable_users": ["all"]}),
    # The EC2 console's "Disabled images" filter: a disabled AMI is in no other list.
    "disabled": ("Disabled images", {"owners": ["self"], "include_disabled": True}),
}
TABS = ("details", "permissions")
NOTICES = {
    "saved": "Saved: the AMI permissions were changed.",
    "unchanged": "Nothing to save: the AMI permissions are as they were.",
    "bpa-blocked": "Block public access for AMIs is on: new public sharing is blocked.",
    "bpa-unblocked": "Block public access for AMIs is off: AMIs can be made public.",
    "deprecated": "Saved: the AMI's deprecation time was set.",
    "undeprecated": "Saved: the AMI's deprecation was cancelled.",
    "disabled": "Disabled: the AMI launches for nobody, and every launch permission was removed.",
    "enabled": "Enabled: the AMI is available again, and private.",
    "protected": "Saved: deregistration protection is on.",
    "unprotected": "Saved: deregistration protection is off (after its cooldown, if it had one).",
}
MAX_FILTER = 128
DEFAULT_REFRESH_SECONDS = 5
CSRF_FIELD = "csrf_token"
CSRF_KEY = "csrf"


def _world() -> World:
    return current_world()


def api_error(err: CoreError) -> tuple[str, int]:
    """``code: message`` and the HTTP status the EC2 API answers for a core error."""
    try:
        aws = CATALOGUES["ec2"].to_aws(err)
    except KeyError:
        return f"{type(err).__name__}: {err.reason}", 400
    return f"{aws.code}: {aws.message}", aws.status


@blueprint.before_request
def _check_form_token() -> Response | None:
    """A form posted from anywhere but this session's own pages changes nothing."""
    if request.method != "POST":
        return None
    expected = session.get(CSRF_KEY)
    sent = request.form.get(CSRF_FIELD, "")
    if isinstance(expected, str) and hmac.compare_digest(sent.encode(), expected.encode()):
        return None
    answer = jsonify(
        error="The console form's CSRF token is missing or is not this session's: "
        "reload the page and submit the form again."
    )
    answer.status_code = 403
    return answer


@blueprint.before_request
def _choose_identity() -> None:
    g.acting = ctx.acting(_world(), request.args.to_dict(), session)
    for key, value in g.acting.remember.items():
        if session.get(key) != value:
            session[key] = value


@blueprint.context_processor
def _csrf() -> dict[str, Any]:
    return {"csrf_token": csrf_token}


def csrf_token() -> str:
    """This session's token for the console's forms, made on first use."""
    token = session.get(CSRF_KEY)
    if not isinstance(token, str):
        token = session[CSRF_KEY] = secrets.token_urlsafe(32)
    return token


def _page(template: str, status: int = 200, **values: Any) -> tuple[str, int]:
    world = _world()
    acting = g.acting
    with world.lock:
        accounts = ctx.known_accounts(world)
        regions = ctx.known_regions(world, acting.region)
        me = ctx.account_name(world, acting.account)
        emulator_time = iso(world.clock())
    notice = NOTICES.get(request.args.get("notice", ""))
    html = render_template(
        template,
        acting=acting,
        accounts=accounts,
        regions=regions,
        acting_name=me,
        notice=notice,
        emulator_time=emulator_time,
        refresh_seconds=_refresh_seconds(),
        **values,
    )
    return html, status


def _refresh_seconds() -> int:
    """Auto-refresh period: ``?refresh=N`` seconds (1 to 60), else the default."""
    asked = request.args.get("refresh", "")
    return min(max(int(asked), 1), 60) if asked.isdigit() else DEFAULT_REFRESH_SECONDS


def _problem(message: str, status: int, title: str = "Cannot show this page") -> tuple[str, int]:
    return _page("console/problem.html", status, title=title, error=message)


def _badges(world: World, image: Image) -> list[str]:
    """The lifecycle badges of the AMI list: deprecated, disabled, protected."""
    now = world.clock()
    return [
        name
        for name, shown in (
            ("deprecated", lifecycle.is_deprecated(image, now)),
            ("disabled", image.state == DISABLED),
            ("protected", lifecycle.is_protected(image, now)),
        )
        if shown
    ]


def _image_row(world: World, image: Image, account: str, region: str) -> dict[str, Any]:
    decision = world.authorize(AccessRequest(account, RUN_INSTANCES, region, image))
    (grant,) = decision.steps(LAUNCH_PERMISSION)
    gates = decision.steps(ALLOWED_IMAGES)
    return {
        "badges": _badges(world, image),
        "id": image.image_id,
        "name": image.name,
        "owner": image.owner,
        "owner_name": ctx.account_name(world, image.owner),
        "visibility": "Public" if image.public else "Private",
        "state": image.state,
        "created": image.creation_date,
        "access": grant_words(**grant.evidence) if grant.allowed else "none",
        # The acting account's Allowed AMIs would refuse it (enabled, or audit mode).
        "not_allowed": any(not g.evidence["image_allowed"] for g in gates),
    }


# ---- AMIs -------------------------------------------------------------------------------


@blueprint.get("/")
@blueprint.get("/amis")
def amis():
    """The AMIs list (filterable), and the selected AMI's Details or Permissions tab."""
    args = request.args
    scope = args.get("scope", "all")
    query = args.get("q", "").strip()[:MAX_FILTER]
    image_id = args.get("image", "").strip() or None
    tab = args.get("tab", "details")
    action = args.get("action", "")
    if image_id and action == "edit-permissions":
        return redirect(url_for("console.edit_permissions", image_id=image_id), 303)
    if action == "permissions":
        tab = "permissions"
    problems = []
    if action and not image_id:
        problems.append("Select an AMI in the list first, then choose an action.")
    if scope not in SCOPES:
        problems.append(f"Unknown image list {scope[:32]!r}; showing all images.")
        scope = "all"
    if tab not in TABS:
        tab = "details"
    world, acting = _world(), g.acting
    status, selected, error = 200, None, None
    with world.lock:
        images = describe_images(
            world.ec2.env, world.ec2.read(acting.region), acting.account, **SCOPES[scope][1]
        )
        rows = [_image_row(world, i, acting.account, acting.region) for i in images]
        if query:
            needle = query.casefold()
            rows = [
                r
                for r in rows
                if any(
                    needle in str(r[k]).casefold() for k in ("id", "name", "owner", "owner_name")
                )
            ]
        if image_id:
            try:
                selected = _selected(world, image_id, acting.account, acting.region)
            except CoreError as err:
                error, status = api_error(err)
    return _page(
        "console/amis.html",
        status,
        rows=rows,
        scopes=SCOPES,
        scope=scope,
        query=query,
        selected=selected,
        tab=tab,
        error=error,
        problems=problems,
        bpa=_bpa_state(world),
    )


def _bpa_state(world: World) -> str:
    with world.lock:
        return bpa.state(world.ec2.env, world.ec2.read(g.acting.region), g.acting.account)


def _selected(world: World, image_id: str, account: str, region: str) -> dict[str, Any]:
    """The selected AMI as the caller may see it (DescribeImages, and DescribeImageAttribute
    for the Permissions tab, which only the owner may call)."""
    env, state = world.ec2.env, world.ec2.read(region)
    (image,) = describe_images(env, state, account, image_ids=[image_id], include_disabled=True)
    detail = _image_row(world, image, account, region)
    detail.update(
        deprecation_time=image.deprecation_time,
        protection=lifecycle.protection_shown(image, world.clock()),
        description=image.description,
        architecture=image.architecture,
        root_device=image.root_device_name,
        block_devices=image.block_devices,
        tags=state.tags.get(image.image_id, account),
        explanation=explain(world, image.image_id, account, region)["reason"],
        owned=image.owner == account,
    )
    try:
        entries = image_attribute(
            env, state, account, image_id, "launchPermission"
        ).launch_permissions.entries
    except CoreError as err:
        detail["permissions_error"] = api_error(err)[0]
    else:
        detail["public"] = any(e.kind == "group" for e in entries)
        detail["shared_accounts"] = [e.value for e in entries if e.kind == USER]
        detail["shared_orgs"] = [
            (e.value, _arn_kind(e.kind)) for e in entries if e.kind in (ORG, OU)
        ]
    return detail


def _arn_kind(kind: str) -> str:
    return "Organizational unit" if kind == OU else "Organization"


# ---- Edit AMI permissions -----------------------------------------------------------------


@blueprint.route("/amis/<path:image_id>/permissions", methods=["GET", "POST"])
def edit_permissions(image_id: str):
    """Actions → Edit AMI permissions: availability, shared accounts, shared
    organizations/OUs, then Save changes (one ModifyImageAttribute call)."""
    world, acting = _world(), g.acting
    with world.lock:
        try:
            image = image_attribute(
                world.ec2.env,
                world.ec2.read(acting.region),
                acting.account,
                image_id,
                "launchPermission",
            )
        except NotAuthorized as err:
            return _read_only(world, image_id, err)
        except CoreError as err:
            return _problem(*api_error(err), title=f"Edit AMI permissions: {image_id[:64]}")
        current = list(image.launch_permissions.entries)
        name = image.name
    if request.method == "GET":
        return _editor(image_id, name, Draft.of(current))
    form = request.form.to_dict(flat=False)
    draft = Draft.from_form(form) if "base" in form or "availability" in form else Draft.of(current)
    op = request.form.get("op", "")
    new_account = request.form.get("new_account", "").strip()
    new_arn = request.form.get("new_arn", "").strip()
    if op == "enter":  # Enter pressed in a field: do what that field's button does
        op = "add-arn" if new_arn else "add-account" if new_account else "refresh"
    adding = {"open-account": "account", "open-arn": "arn"}.get(op)
    try:
        if op == "add-account":
            adding = "account"
            draft.add_account(new_account)
            adding, new_account = None, ""
        elif op == "add-arn":
            adding = "arn"
            draft.add_arn(new_arn)
            adding, new_arn = None, ""
        elif op == "remove-accounts":
            draft.remove_accounts(request.form.getlist("selected_accounts"))
        elif op == "remove-arns":
            draft.remove_arns(request.form.getlist("selected_arns"))
        elif op == "save":
            return _save(world, image_id, draft)
    except CoreError as err:
        message, status = api_error(err)
        return _editor(
            image_id,
            name,
            draft,
            error=message,
            status=status,
            adding=adding,
            new_account=new_account,
            new_arn=new_arn,
        )
    return _editor(image_id, name, draft, adding=adding, new_account=new_account, new_arn=new_arn)


def _save(world: World, image_id: str, draft: Draft):
    acting = g.acting
    adds, removes = draft.changes()
    if not adds and not removes:
        return _back_to_image(image_id, "unchanged")
    with world.lock, world.ec2.write(acting.region) as state:
        modify_launch_permissions(world.ec2.env, state, acting.account, image_id, adds, removes)
    g.changed_world = True
    return _back_to_image(image_id, "saved")


def _back_to_image(image_id: str, notice: str) -> Response:
    query = urlencode({"image": image_id, "tab": "permissions", "notice": notice})
    return redirect(f"{url_for('console.amis')}?{query}", 303)


def _editor(
    image_id: str,
    name: str,
    draft: Draft,
    *,
    error: str | None = None,
    status: int = 200,
    adding: str | None = None,
    new_account: str = "",
    new_arn: str = "",
) -> tuple[str, int]:
    arns = [(a, _arn_kind(arn_grant(a).kind)) for a in draft.arns]
    return _page(
        "console/edit_permissions.html",
        status,
        image_id=image_id,
        image_name=name,
        draft=draft,
        unsaved=draft.unsaved(),
        arns=arns,
        error=error,
        adding=adding,
        new_account=new_account,
        new_arn=new_arn,
        bpa=_bpa_state(_world()),
    )


def _read_only(world: World, image_id: str, refusal: CoreError) -> tuple[str, int]:
    """What a consumer sees: the image, why it may launch it, and why it cannot edit it."""
    acting = g.acting
    try:
        (image,) = describe_images(
            world.ec2.env, world.ec2.read(acting.region), acting.account, image_ids=[image_id]
        )
    except CoreError as err:
        return _problem(*api_error(err), title=f"Edit AMI permissions: {image_id[:64]}")
    row = _image_row(world, image, acting.account, acting.region)
    row["explanation"] = explain(world, image_id, acting.account, acting.region)["reason"]
    return _page("console/read_only.html", 200, image=row, refusal=api_error(refusal)[0])


# ---- Deprecate, Disable, Enable, Manage deregistration protection ---------------------------

LIFECYCLE_ACTIONS = {
    "deprecate": "deprecated",
    "cancel-deprecation": "undeprecated",
    "disable": "disabled",
    "enable": "enabled",
    "protect": "protected",
    "unprotect": "unprotected",
}


@blueprint.post("/amis/<path:image_id>/lifecycle")
def change_lifecycle(image_id: str):
    """Actions → Deprecate (``deprecate_at``, emulator time, UTC) or cancel it, Disable,
    Enable, Manage deregistration protection (``with_cooldown``): one API call each, as the
    owner; a refusal is shown in the API's words."""
    world, acting = _world(), g.acting
    op = request.form.get("op", "")
    if op not in LIFECYCLE_ACTIONS:
        return _problem(f"Unknown action {op[:32]!r}.", 400, title=f"AMI {image_id[:64]}")
    with world.lock:
        try:
            with world.ec2.write(acting.region) as state:
                _lifecycle_call(world, state, acting.account, image_id, op)
        except CoreError as err:
            return _problem(*api_error(err), title=f"AMI {image_id[:64]}")
    g.changed_world = True
    query = urlencode({"image": image_id, "notice": LIFECYCLE_ACTIONS[op]})
    return redirect(f"{url_for('console.amis')}?{query}", 303)


def _lifecycle_call(world: World, state: Any, account: str, image_id: str, op: str) -> None:
    env = world.ec2.env
    if op == "deprecate":
        text = request.form.get("deprecate_at", "").strip()
        try:
            when = parse_time(text)
        except ValueError:
            raise InvalidValue("parameter_value_invalid", name="DeprecateAt", value=text) from None
        lifecycle.enable_image_deprecation(env, state, account, image_id, when)
    elif op == "cancel-deprecation":
        lifecycle.disable_image_deprecation(env, state, account, image_id)
    elif op == "disable":
        lifecycle.disable_image(env, state, account, image_id)
    elif op == "enable":
        lifecycle.enable_image(env, state, account, image_id)
    elif op == "protect":
        cooldown = request.form.get("with_cooldown") == "on"
        lifecycle.enable_protection(env, state, account, image_id, cooldown)
    else:
        lifecycle.disable_protection(env, state, account, image_id)


# ---- Block public access -----------------------------------------------------------------


@blueprint.post("/settings/block-public-access")
def block_public_access():
    """Enable (``state=block-new-sharing``) or disable (``state=unblocked``) block public
    access for AMIs, for the acting account in the acting Region."""
    world, acting = _world(), g.acting
    wanted = request.form.get("state", "")
    with world.lock:
        try:
            with world.ec2.write(acting.region) as regional:
                if wanted == "unblocked":
                    state = bpa.disable(world.ec2.env, regional, acting.account)
                else:
                    state = bpa.enable(world.ec2.env, regional, acting.account, wanted)
        except CoreError as err:
            return _problem(*api_error(err), title="Block public access for AMIs")
    g.changed_world = True
    notice = "bpa-blocked" if state == bpa.BLOCKED else "bpa-unblocked"
    return redirect(f"{url_for('console.amis')}?{urlencode({'notice': notice})}", 303)


# ---- Organization ------------------------------------------------------------------------


@blueprint.get("/organization")
def organization():
    """The organization tree, each account coloured by whether it may launch the chosen AMI:
    its root user (the launch permission rule), or its user or role of the chosen name (the
    whole decision, with the layer that refused)."""
    world, acting = _world(), g.acting
    org_id = request.args.get("org", "").strip()
    image_id = request.args.get("image", "").strip() or None
    principal = request.args.get("principal", "").strip() or ROOT_CHOICE
    error, status, problems = None, 200, []
    with world.lock:
        orgs = world.orgs.organizations()
        env, state = world.ec2.env, world.ec2.read(acting.region)
        images = describe_images(env, state, acting.account)
        if image_id:
            try:
                describe_images(env, state, acting.account, image_ids=[image_id])
            except CoreError as err:
                error, status = api_error(err)
                image_id = None
        org = _chosen_org(world, orgs, org_id, acting.account, problems)
        members = [a.id for a in world.orgs.member_accounts() if org and a.org_id == org.id]
        principals = principal_choices(world, members)
        if principal not in principals:
            problems.append(f"No user or role {principal[:64]!r} in this organization.")
            principal = ROOT_CHOICE
        tree = build_tree(world, org, image_id, acting.region, principal) if org else None
        outside = (
            _outside(world, tree, image_id, acting.region)
            if tree and image_id and principal == ROOT_CHOICE
            else []
        )
    return _page(
        "console/organization.html",
        status,
        policy_rows=console_policies.policy_rows(world, org),
        orgs=orgs,
        org=org,
        tree=tree,
        images=images,
        image_id=image_id,
        outside=outside,
        principals=principals,
        principal=principal,
        error=error,
        problems=problems,
    )


def _chosen_org(world: World, orgs: list, org_id: str, account: str, problems: list[str]):
    by_id = {o.id: o for o in orgs}
    if org_id:
        if org_id in by_id:
            return by_id[org_id]
        problems.append(f"No organization {org_id[:64]!r} in this world.")
    membership = world.orgs.membership(account)
    if membership is not None and membership.org_id in by_id:
        return by_id[membership.org_id]
    return orgs[0] if orgs else None


def _outside(world: World, tree, image_id: str, region: str) -> list[dict[str, Any]]:
    """Accounts outside the drawn organization that the access rule knows of."""
    inside = {n.id for n in tree.accounts}
    rows = []
    for row in access(world, image_id, region)["accounts"]:
        if row["account"] in inside:
            continue
        answer = explain(world, image_id, row["account"], region)
        colour, words = verdict(answer)
        rows.append(
            {
                "id": row["account"],
                "name": ctx.account_name(world, row["account"]),
                "access": colour,
                "label": words,
                "reason": answer["reason"],
            }
        )
    return rows


# ---- IAM ---------------------------------------------------------------------------------


@blueprint.get("/iam")
def iam():
    """The acting account's IAM users and roles, with their policies and whom each role trusts."""
    world, acting = _world(), g.acting
    with world.lock:
        directory = world.iam
        users = [
            {
                "user": user,
                "key_count": len(
                    directory.list_access_keys(acting.account, user.name, None, 1000)[0]
                ),
            }
            for user in sorted(directory.users_of(acting.account), key=lambda u: u.name.lower())
        ]
        roles = [
            {"role": role, "trusted": trusted_principals(role.trust_policy)}
            for role in sorted(directory.roles_of(acting.account), key=lambda r: r.name.lower())
        ]
    return _page("console/iam.html", users=users, roles=roles)
