"""AWS KMS keys per account and Region: key policies, aliases, states, the ``aws/ebs`` key.

Every operation on a key is checked against the key's policy, for the owner as for anyone
else (the default policy lets the owner's root do everything). A key in another account is
reachable only by key ARN or alias ARN, and only through the operations AWS allows across
accounts (here: DescribeKey, and the key use behind EC2's launches and new storage).
"""

from __future__ import annotations

import heapq
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from emulator.core.authorization import AccessRequest, Authorize, Decision, Step
from emulator.core.commit import commit, in_dry_run
from emulator.core.errors import InvalidValue, Malformed, NotAuthorized, NotFound
from emulator.core.ids import IdSource
from emulator.core.kms import ciphertext
from emulator.core.kms.grants import (
    EQUALS,
    GRANT_ID,
    PRINCIPAL,
    SUBSET,
    SYMMETRIC_OPERATIONS,
    Grant,
    GrantStore,
    new_grant_id,
    new_grant_token,
)
from emulator.core.kms.paging import out_of_range, page_by_marker
from emulator.core.kms.records import (
    ALIAS_CHARACTERS,
    ALIAS_NAME,
    AWS,
    AWS_EBS_ALIAS,
    AWS_EBS_DESCRIPTION,
    DISABLED,
    ENABLED,
    KEY_ID,
    PENDING_DELETION,
    RESERVED_ALIAS_PREFIX,
    Alias,
    Key,
    alias_arn,
    aws_ebs_key_policy,
    aws_partition,
    default_key_policy,
    key_arn,
)
from emulator.core.organizations.membership import Membership, MembershipLookup
from emulator.core.policy.conditions import Context
from emulator.core.policy.evaluation import PolicyDecision, evaluate, root_arn
from emulator.core.policy.grammar import Policy, parse_policy

PENDING_WINDOW = (7, 30)
DEFAULT_PENDING_WINDOW = 30
POLICY_NAME = "default"
# What CreateKey accepts; other values AWS knows are refused as unsupported here.
SUPPORTED = {
    "KeyUsage": "ENCRYPT_DECRYPT",
    "KeySpec": "SYMMETRIC_DEFAULT",
    "Origin": "AWS_KMS",
}


# What a launch asks of an image's keys (the product's choice: the reference statements
# grant these two and omit kms:CreateGrant).
LAUNCH_ACTIONS = ("kms:Decrypt", "kms:DescribeKey")
# What EBS asks KMS for when it makes a volume or snapshot under a key (EC2 User Guide,
# "Permissions for users" of EBS encryption; "Share a KMS key"). kms:ReEncrypt* is the pair
# ReEncryptFrom and ReEncryptTo.
EBS_ACTIONS = (
    "kms:CreateGrant",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:Decrypt",
    "kms:DescribeKey",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
)


@dataclass(frozen=True)
class KeyUseDecision:
    allowed: bool
    reason: str
    statement: str | None  # the key policy statement that decided, when one did
    grant: str | None = None  # the grant id that allowed, when a grant did
    explicit_deny: bool = False  # a key policy statement denies


# The key operations a caller makes directly, and the action each is authorized as.
DIRECT_ACTIONS = frozenset(
    {
        "kms:Encrypt",
        "kms:Decrypt",
        "kms:ReEncryptFrom",
        "kms:ReEncryptTo",
        "kms:GenerateDataKey",
        "kms:GenerateDataKeyWithoutPlaintext",
        "kms:CreateGrant",
        "kms:ListGrants",
        "kms:RevokeGrant",
    }
)
PLAINTEXT_BOUNDS = (1, 4096)
CIPHERTEXT_BOUNDS = (1, 6144)
DATA_KEY_BYTES = (1, 1024)
DATA_KEY_SPECS = {"AES_256": 32, "AES_128": 16}
ALGORITHM = "SYMMETRIC_DEFAULT"
MAX_GRANTS_PER_KEY = 50_000  # KMS's quota of grants on one key
# The model's EncryptionAlgorithmSpec values; only the first is a symmetric key's.
ENCRYPTION_ALGORITHMS = ("SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "SM2PKE")
# What EC2 grants itself on a key it keeps storage under (EC2 User Guide, "How EBS
# encryption works": the grant EBS makes so that EC2 may decrypt the volume's data key).
SERVICE_GRANT_OPERATIONS = (
    "Decrypt",
    "GenerateDataKeyWithoutPlaintext",
    "ReEncryptFrom",
    "ReEncryptTo",
    "CreateGrant",
    "DescribeKey",
)


def request_context(account: str, membership: Membership | None) -> dict[str, str | list[str]]:
    """The global condition keys of a request made by ``account``'s root principal.

    The organization keys exist only while the account is in an organization.
    """
    context: dict[str, str | list[str]] = {
        "aws:PrincipalAccount": account,
        "aws:PrincipalArn": root_arn(account),
        "aws:PrincipalType": "Account",
    }
    if membership is not None:
        context["aws:PrincipalOrgID"] = membership.org_id
        context["aws:PrincipalOrgPaths"] = [membership.principal_org_path]
    return context


@lru_cache(maxsize=1024)
def _parsed(text: str) -> Policy:
    return parse_policy(text)


class Kms:
    """All KMS keys and aliases, with the KMS operations and the checks EC2 needs. Handlers
    call these methods directly (one hop): each holds its operation's rules over this state."""

    def __init__(
        self,
        *,
        ids: IdSource,
        clock: Callable[[], datetime],
        membership: MembershipLookup,
        partition_of: Callable[[str], str] = aws_partition,
        authorize: Authorize | None = None,
    ) -> None:
        self._ids = ids
        self._clock = clock
        self._membership = membership
        self._partition_of = partition_of  # Region -> partition, for the ARNs of keys
        self._keys: dict[str, Key] = {}  # key ARN -> key
        self._aliases: dict[str, Alias] = {}  # alias ARN -> alias
        # (deletion date, key ARN), earliest first: every key lookup purges the expired
        # keys, and must not walk the keys of every account to find them. An entry whose
        # key's date has changed since (cancelled, scheduled again) is skipped.
        self._deletions: list[tuple[datetime, str]] = []
        self.grants = GrantStore()
        # The access decision (the World wires ``World.authorize``); a Kms on its own decides
        # with the rule the key policy layer applies, ``can_call``.
        self._access = authorize or self._own_decision

    def partition(self, region: str) -> str:
        """The partition of ``region`` (for the ARNs other domains write, EC2's among them)."""
        return self._partition_of(region)

    # ------------------------------------------------------------ persistence

    def to_dict(self) -> dict[str, Any]:
        return {
            "keys": [k.to_dict() for k in self._keys.values()],
            "aliases": [a.to_dict() for a in self._aliases.values()],
            "grants": [g.to_dict() for g in self.grants.by_id.values()],
        }

    @classmethod
    def from_dict(
        cls,
        data: dict[str, Any],
        *,
        ids: IdSource,
        clock: Callable[[], datetime],
        membership: MembershipLookup,
        partition_of: Callable[[str], str] = aws_partition,
        authorize: Authorize | None = None,
    ) -> Kms:
        kms = cls(
            ids=ids,
            clock=clock,
            membership=membership,
            partition_of=partition_of,
            authorize=authorize,
        )
        # A key or alias the snapshot gives no partition takes its Region's, by the map; a
        # key without material (a snapshot that hid it, or one from before) gets its own.
        for raw in data.get("keys", []):
            key = Key.from_dict({"partition": partition_of(raw["region"]), **raw})
            key.material = key.material or ciphertext.new_material()
            kms._keys[key.arn] = key
        for raw in data.get("grants", []):
            kms.grants.add(Grant.from_dict(raw))
        for raw in data.get("aliases", []):
            alias = Alias.from_dict({"partition": partition_of(raw["region"]), **raw})
            kms._aliases[alias.arn] = alias
        kms._deletions = [(k.deletion_date, arn) for arn, k in kms._keys.items() if k.deletion_date]
        heapq.heapify(kms._deletions)
        return kms

    def materials(self) -> dict[tuple[str, str, str], str]:
        """Each key's secret material by (account, Region, key id): what a redacted
        snapshot loaded back keeps."""
        return {(k.account, k.region, k.key_id): k.material for k in self._keys.values()}

    # ------------------------------------------------------------ keys

    def create_key(
        self,
        caller: str,
        region: str,
        *,
        policy: str | None = None,
        description: str = "",
        key_usage: str = "ENCRYPT_DECRYPT",
        key_spec: str = "SYMMETRIC_DEFAULT",
        origin: str = "AWS_KMS",
        multi_region: bool = False,
        bypass_lockout_check: bool = False,
        key_id: str | None = None,
    ) -> Key:
        """CreateKey; ``key_id`` lets a scenario choose the id AWS would invent."""
        if key_id is not None and self._key_arn(caller, region, key_id) in self._keys:
            raise InvalidValue("key_id_taken", id=key_id)
        for name, value in (("KeyUsage", key_usage), ("KeySpec", key_spec), ("Origin", origin)):
            if value != SUPPORTED[name]:
                raise InvalidValue("unsupported_value", name=name, value=value)
        if multi_region:
            raise InvalidValue("unsupported_value", name="MultiRegion", value="true")
        _check_length("description", description, 8192)
        text = default_key_policy(self._partition_of(region), caller) if policy is None else policy
        self._check_policy(text, caller, region, bypass_lockout_check)
        key = Key(
            key_id=key_id or self._fresh_key_id(caller, region),
            account=caller,
            region=region,
            created=self._clock(),
            policy=text,
            description=description,
            partition=self._partition_of(region),
            material=ciphertext.new_material(),
        )
        self._keys[key.arn] = key
        return key

    def describe_key(self, caller: str, region: str, key_ref: str) -> Key:
        # Naming a predefined AWS alias creates its AWS managed key, as DescribeKey does.
        key = self.resolve(key_ref, caller, region, create_managed=True)
        self._authorize(key, caller, "kms:DescribeKey", cross_account=True)
        return key

    def list_keys(
        self, caller: str, region: str, limit: int | None, marker: str | None
    ) -> tuple[list[Key], str | None]:
        self._purge_deleted()
        mine = [k for k in self._keys.values() if (k.account, k.region) == (caller, region)]
        return page_by_marker(mine, lambda k: k.key_id, limit, marker)

    def get_key_policy(
        self, caller: str, region: str, key_ref: str, policy_name: str | None
    ) -> str:
        key = self._own_key(key_ref, caller, region, "kms:GetKeyPolicy")
        _check_policy_name(policy_name)
        return key.policy

    def list_key_policies(self, caller: str, region: str, key_ref: str) -> list[str]:
        self._own_key(key_ref, caller, region, "kms:ListKeyPolicies")
        return [POLICY_NAME]

    def put_key_policy(
        self,
        caller: str,
        region: str,
        key_ref: str,
        policy: str,
        policy_name: str | None = None,
        bypass_lockout_check: bool = False,
    ) -> None:
        key = self._own_key(key_ref, caller, region, "kms:PutKeyPolicy")
        _check_policy_name(policy_name)
        self._check_policy(policy, caller, region, bypass_lockout_check, key)
        key.policy = policy

    def enable_key(self, caller: str, region: str, key_ref: str) -> None:
        key = self._own_key(key_ref, caller, region, "kms:EnableKey")
        _refuse_pending_deletion(key)
        key.state = ENABLED

    def disable_key(self, caller: str, region: str, key_ref: str) -> None:
        key = self._own_key(key_ref, caller, region, "kms:DisableKey")
        _refuse_pending_deletion(key)
        key.state = DISABLED

    def schedule_key_deletion(
        self, caller: str, region: str, key_ref: str, pending_window_days: int | None
    ) -> Key:
        days = DEFAULT_PENDING_WINDOW if pending_window_days is None else pending_window_days
        low, high = PENDING_WINDOW
        if not low <= days <= high:
            raise out_of_range("pendingWindowInDays", days, PENDING_WINDOW)
        key = self._own_key(key_ref, caller, region, "kms:ScheduleKeyDeletion")
        _refuse_pending_deletion(key)
        key.state = PENDING_DELETION
        key.pending_window_days = days
        key.deletion_date = self._clock() + timedelta(days=days)
        heapq.heappush(self._deletions, (key.deletion_date, key.arn))
        return key

    def cancel_key_deletion(self, caller: str, region: str, key_ref: str) -> Key:
        key = self._own_key(key_ref, caller, region, "kms:CancelKeyDeletion")
        if key.state != PENDING_DELETION:
            raise InvalidValue("key_not_pending_deletion", arn=key.arn)
        # AWS leaves a key whose deletion is cancelled disabled.
        key.state = DISABLED
        key.deletion_date = key.pending_window_days = None
        return key

    # ------------------------------------------------------------ aliases

    def create_alias(self, caller: str, region: str, alias_name: str, target_key_ref: str) -> None:
        _check_alias_name(alias_name)
        if target_key_ref.startswith("alias/") or ":alias/" in target_key_ref:
            raise NotFound("invalid_key_id", key_id=target_key_ref)
        key = self._own_key(target_key_ref, caller, region, "kms:CreateAlias")
        _refuse_pending_deletion(key)
        arn = self._alias_arn(caller, region, alias_name)
        if arn in self._aliases:
            raise InvalidValue("alias_exists", arn=arn)
        now = self._clock()
        self._aliases[arn] = Alias(alias_name, caller, region, key.key_id, now, now, key.partition)

    def delete_alias(self, caller: str, region: str, alias_name: str) -> None:
        _check_alias_name(alias_name)
        self._purge_deleted()
        arn = self._alias_arn(caller, region, alias_name)
        alias = self._aliases.get(arn)
        if alias is None:
            raise NotFound("alias_not_found", arn=arn)
        key = self._keys[self._key_arn(caller, region, alias.target_key_id)]
        self._authorize(key, caller, "kms:DeleteAlias", cross_account=False)
        del self._aliases[arn]

    def list_aliases(
        self,
        caller: str,
        region: str,
        key_ref: str | None,
        limit: int | None,
        marker: str | None,
    ) -> tuple[list[Alias], str | None]:
        self._purge_deleted()
        target = None
        if key_ref is not None:
            target = self.resolve(key_ref, caller, region)
            if target.account != caller:
                raise NotAuthorized(
                    "cross_account_not_supported",
                    principal=root_arn(caller),
                    action="kms:ListAliases",
                    resource=target.arn,
                )
        mine = [
            a
            for a in self._aliases.values()
            if (a.account, a.region) == (caller, region)
            and (target is None or a.target_key_id == target.key_id)
        ]
        return page_by_marker(mine, lambda a: a.name, limit, marker)

    # ------------------------------------------------------------ cryptography

    def encrypt(
        self,
        caller: str,
        region: str,
        key_ref: str,
        plaintext: bytes,
        context: dict[str, str] | None = None,
        grant_tokens: list[str] | None = None,
        algorithm: str | None = None,
    ) -> tuple[Key, bytes]:
        """Encrypt: the key and the ciphertext blob of ``plaintext`` under it."""
        _check_size("plaintext", len(plaintext), PLAINTEXT_BOUNDS)
        _check_algorithm("encryptionAlgorithm", algorithm)
        key = self._key_for_use(caller, region, key_ref, "kms:Encrypt", context, grant_tokens)
        return key, ciphertext.seal(key.material, key.arn, plaintext, context or {})

    def decrypt(
        self,
        caller: str,
        region: str,
        blob: bytes | None,
        context: dict[str, str] | None = None,
        grant_tokens: list[str] | None = None,
        key_ref: str | None = None,
        algorithm: str | None = None,
        *,
        action: str = "kms:Decrypt",
    ) -> tuple[Key, bytes]:
        """Decrypt: the key the blob names (it must be ``key_ref``'s when one is given) and
        the plaintext. ReEncrypt asks the same as ``kms:ReEncryptFrom``."""
        if blob is None:
            raise InvalidValue("missing_parameter", name="ciphertextBlob")
        _check_size("ciphertextBlob", len(blob), CIPHERTEXT_BOUNDS)
        _check_algorithm("encryptionAlgorithm", algorithm)
        self._check_grant_tokens(grant_tokens)
        try:
            arn = ciphertext.key_of(blob)
        except ciphertext.BadCiphertext:
            raise InvalidValue("invalid_ciphertext") from None
        if key_ref is not None and self.resolve(key_ref, caller, region).arn != arn:
            raise InvalidValue("incorrect_key")
        self._purge_deleted()
        key = self._keys.get(arn)
        if key is None or key.region != region:
            raise InvalidValue("invalid_ciphertext")
        self._allow(key, caller, region, action, {"encryption_context": context or {}})
        _check_usable(key)
        try:
            return key, ciphertext.open_blob(key.material, blob, context or {})
        except ciphertext.BadCiphertext:
            raise InvalidValue("invalid_ciphertext") from None

    def re_encrypt(
        self,
        caller: str,
        region: str,
        blob: bytes | None,
        destination_ref: str,
        *,
        source_ref: str | None = None,
        source_context: dict[str, str] | None = None,
        destination_context: dict[str, str] | None = None,
        source_algorithm: str | None = None,
        destination_algorithm: str | None = None,
        grant_tokens: list[str] | None = None,
    ) -> tuple[Key, Key, bytes]:
        """ReEncrypt: ``kms:ReEncryptFrom`` on the source key, ``kms:ReEncryptTo`` on the
        destination; the plaintext never leaves KMS."""
        _check_algorithm("destinationEncryptionAlgorithm", destination_algorithm)
        source, plaintext = self.decrypt(
            caller,
            region,
            blob,
            source_context,
            grant_tokens,
            source_ref,
            source_algorithm,
            action="kms:ReEncryptFrom",
        )
        target = self._key_for_use(
            caller, region, destination_ref, "kms:ReEncryptTo", destination_context, None
        )
        sealed = ciphertext.seal(target.material, target.arn, plaintext, destination_context or {})
        return source, target, sealed

    def generate_data_key(
        self,
        caller: str,
        region: str,
        key_ref: str,
        *,
        number_of_bytes: int | None = None,
        key_spec: str | None = None,
        context: dict[str, str] | None = None,
        grant_tokens: list[str] | None = None,
        action: str = "kms:GenerateDataKey",
    ) -> tuple[Key, bytes, bytes]:
        """GenerateDataKey (and, with its action, GenerateDataKeyWithoutPlaintext): the key,
        a fresh random data key, and that data key encrypted under the key."""
        if number_of_bytes is not None:
            _check_size_value("numberOfBytes", number_of_bytes, DATA_KEY_BYTES)
        if key_spec is not None and key_spec not in DATA_KEY_SPECS:
            raise InvalidValue(
                "not_in_enum", name="keySpec", value=key_spec, choices=", ".join(DATA_KEY_SPECS)
            )
        if (number_of_bytes is None) == (key_spec is None):
            raise InvalidValue("data_key_size")
        size = number_of_bytes if key_spec is None else DATA_KEY_SPECS[key_spec]
        key = self._key_for_use(caller, region, key_ref, action, context, grant_tokens)
        data_key = secrets.token_bytes(size)
        return key, data_key, ciphertext.seal(key.material, key.arn, data_key, context or {})

    # ------------------------------------------------------------ grants

    def create_grant(
        self,
        caller: str,
        region: str,
        key_ref: str,
        grantee: str,
        operations: list[str],
        *,
        retiring: str | None = None,
        constraints: dict[str, Any] | None = None,
        grant_tokens: list[str] | None = None,
        name: str | None = None,
    ) -> Grant:
        """CreateGrant. A grant with the same Name and the same terms as one the key already
        has is that grant again (AWS's idempotence by name)."""
        _check_operations(operations)
        for field_name, principal in (
            ("granteePrincipal", grantee),
            ("retiringPrincipal", retiring),
        ):
            if principal is not None and not PRINCIPAL.match(principal):
                raise InvalidValue("invalid_principal", name=field_name, value=principal)
        equals, subset = _constraints(constraints)
        self._check_grant_tokens(grant_tokens)
        key = self.resolve(key_ref, caller, region)
        terms = {
            "operations": list(dict.fromkeys(operations)),
            "grantee": grantee,
            "retiring": retiring,
            "equals": equals,
            "subset": subset,
        }
        self._allow(key, caller, region, "kms:CreateGrant", terms)
        _refuse_pending_deletion(key)
        for grant in self.grants.to(key.arn, grantee):
            if name and grant.name == name and _same_terms(grant, terms):
                return grant
        if len(self.grants.by_key.get(key.arn, {})) >= MAX_GRANTS_PER_KEY:
            raise InvalidValue("grant_limit", arn=key.arn, most=MAX_GRANTS_PER_KEY)
        commit()
        return self._add_grant(key, name or "", terms)

    def list_grants(
        self,
        caller: str,
        region: str,
        key_ref: str,
        *,
        grant_id: str | None = None,
        grantee: str | None = None,
        limit: int | None = None,
        marker: str | None = None,
    ) -> tuple[list[Grant], str | None]:
        """ListGrants of one key, oldest first, optionally one grant or one grantee's."""
        if grant_id is not None:
            _check_grant_id(grant_id)
        key = self.resolve(key_ref, caller, region)
        self._allow(key, caller, region, "kms:ListGrants", {})
        grants = (
            self.grants.of_key(key.arn) if grantee is None else self.grants.to(key.arn, grantee)
        )
        if grant_id is not None:
            grants = [g for g in grants if g.grant_id == grant_id]
        return page_by_marker(grants, _grant_order, limit, marker)

    def list_retirable_grants(
        self,
        caller: str,
        region: str,
        retiring: str | None,
        limit: int | None = None,
        marker: str | None = None,
    ) -> tuple[list[Grant], str | None]:
        """ListRetirableGrants: the grants in this Region that ``retiring`` (a principal of
        the caller's account) may retire, on keys of any account."""
        if retiring is None:
            raise InvalidValue("missing_parameter", name="retiringPrincipal")
        if not PRINCIPAL.match(retiring):
            raise InvalidValue("invalid_principal", name="retiringPrincipal", value=retiring)
        if retiring.split(":")[4:5] != [caller]:
            raise NotAuthorized(
                "access_denied",
                principal=root_arn(caller),
                action="kms:ListRetirableGrants",
                resource=retiring,
            )
        grants = [
            g
            for g in self.grants.by_retiring.get(retiring, {}).values()
            if g.key_arn.split(":")[3] == region
        ]
        return page_by_marker(grants, _grant_order, limit, marker)

    def retire_grant(
        self,
        caller: str,
        region: str,
        *,
        token: str | None = None,
        key_ref: str | None = None,
        grant_id: str | None = None,
    ) -> None:
        """RetireGrant by its token, or by KeyId and GrantId. The key's account, the grant's
        retiring principal, and its grantee when it gives RetireGrant may retire it."""
        if token is not None:
            grant = self._grant_by_token(token)
        elif key_ref is not None and grant_id is not None:
            _check_grant_id(grant_id)
            grant = self._grant_of(self.resolve(key_ref, caller, region), grant_id)
        else:
            raise InvalidValue("retire_grant_target")
        principal = f"arn:{self._partition_of(region)}:iam::{caller}:root"
        may = (
            caller == grant.key_account
            or grant.retiring == principal
            or (grant.grantee == principal and "RetireGrant" in grant.operations)
        )
        if not may:
            raise NotAuthorized(
                "access_denied",
                principal=root_arn(caller),
                action="kms:RetireGrant",
                resource=grant.key_arn,
            )
        commit()
        self.grants.remove(grant)

    def revoke_grant(self, caller: str, region: str, key_ref: str, grant_id: str) -> None:
        """RevokeGrant: allowed by the key policy (``kms:RevokeGrant``), across accounts too."""
        _check_grant_id(grant_id)
        key = self.resolve(key_ref, caller, region)
        self._allow(key, caller, region, "kms:RevokeGrant", {})
        grant = self._grant_of(key, grant_id)
        commit()
        self.grants.remove(grant)

    def record_service_grant(
        self, key_arn: str, account: str, region: str, resource_id: str, service: str = "ec2"
    ) -> Grant | None:
        """The grant an AWS service makes for its own use of a key on ``account``'s behalf
        (EC2: a volume or snapshot under another account's key), as ListGrants shows it;
        None when the key is gone. Called after the service's own checks and commit point."""
        key = self._keys.get(key_arn)
        if key is None or in_dry_run():
            return None
        partition = key.partition
        terms = {
            "operations": list(SERVICE_GRANT_OPERATIONS),
            "grantee": f"arn:{partition}:sts::{account}:assumed-role/aws:{service}-infrastructure"
            f"/{resource_id}",
            "retiring": f"{service}.{region}.amazonaws.com",
            "equals": None,
            "subset": {f"aws:{'ebs' if service == 'ec2' else service}:id": resource_id},
        }
        return self._add_grant(key, resource_id, terms, for_aws_resource=True)

    def can_call(
        self,
        key_arn: str,
        caller: str,
        membership: Membership | None,
        action: str,
        parameters: dict[str, Any],
        principal_arns: tuple[str, ...] = (),
    ) -> KeyUseDecision:
        """Whether ``caller``'s principal (its root, or the IAM user or session with
        ``principal_arns``) may ``action`` the key directly: its policy allows (and no
        statement denies), or a grant to the caller gives the operation under its
        constraints. ``parameters``: ``encryption_context``, or a new grant's terms."""
        key = self._keys.get(key_arn)
        if key is None:
            return KeyUseDecision(False, f"key {key_arn} does not exist", None)
        decision = self.decide(
            key,
            caller,
            action,
            membership,
            extra_context=_condition_keys(action, parameters),
            principal_arns=principal_arns,
        )
        if decision.effect == "Deny":
            return KeyUseDecision(False, decision.reason, decision.statement, explicit_deny=True)
        if decision.allowed:
            return KeyUseDecision(True, decision.reason, decision.statement)
        operation = action.removeprefix("kms:")
        principal = f"arn:{key.partition}:iam::{caller}:root"
        for grant in self.grants.to(key.arn, principal):
            if _grant_gives(grant, operation, parameters):
                reason = f"grant {grant.grant_id} gives {principal} {operation} on {key.arn}"
                return KeyUseDecision(True, reason, None, grant=grant.grant_id)
        return KeyUseDecision(False, decision.reason, None)

    def _key_for_use(
        self,
        caller: str,
        region: str,
        key_ref: str,
        action: str,
        context: dict[str, str] | None,
        grant_tokens: list[str] | None,
    ) -> Key:
        """The key a cryptographic operation names, once the caller may use it and it is
        Enabled."""
        self._check_grant_tokens(grant_tokens)
        key = self.resolve(key_ref, caller, region)
        self._allow(key, caller, region, action, {"encryption_context": context or {}})
        _check_usable(key)
        return key

    def _allow(
        self, key: Key, caller: str, region: str, action: str, parameters: dict[str, Any]
    ) -> None:
        """The access decision on a direct call of ``action`` on ``key``."""
        request = AccessRequest(
            caller, action, region, keys=(key.arn,), direct=True, parameters=parameters
        )
        decision = self._access(request)
        if decision.allowed:
            return
        refusal = decision.refusal
        explicit = refusal is not None and refusal.evidence.get("explicit_deny", False)
        details = {"principal": root_arn(caller), "action": action, "resource": key.arn}
        raise NotAuthorized("access_denied_explicit" if explicit else "access_denied", **details)

    def _own_decision(self, request: AccessRequest) -> Decision:
        membership = self._membership(request.principal)
        decisions = [
            self.can_call(arn, request.principal, membership, request.action, request.parameters)
            for arn in request.keys
        ]
        return Decision(
            tuple(
                Step("key_policy", d.allowed, d.reason, {"explicit_deny": d.explicit_deny})
                for d in decisions
            )
        )

    def _add_grant(
        self, key: Key, name: str, terms: dict[str, Any], *, for_aws_resource: bool = False
    ) -> Grant:
        grant_id = new_grant_id()
        while grant_id in self.grants.by_id:
            grant_id = new_grant_id()
        grant = Grant(
            grant_id=grant_id,
            key_arn=key.arn,
            issuing_account=f"arn:{key.partition}:iam::{key.account}:root",
            created=self._clock(),
            token=new_grant_token(),
            name=name,
            for_aws_resource=for_aws_resource,
            **terms,
        )
        self.grants.add(grant)
        return grant

    def _grant_by_token(self, token: str) -> Grant:
        grant_id = self.grants.by_token.get(token)
        if grant_id is None:
            raise InvalidValue("invalid_grant_token")
        return self.grants.by_id[grant_id]

    def _grant_of(self, key: Key, grant_id: str) -> Grant:
        grant = self.grants.by_key.get(key.arn, {}).get(grant_id)
        if grant is None:
            raise NotFound("grant_not_found", grant_id=grant_id, arn=key.arn)
        return grant

    def _check_grant_tokens(self, tokens: list[str] | None) -> None:
        """Each grant token must be one KMS issued for a grant that still exists."""
        for token in tokens or ():
            self._grant_by_token(token)

    # ------------------------------------------------------------ what EC2 needs

    def resolve(
        self, key_ref: str, caller: str, region: str, *, create_managed: bool = False
    ) -> Key:
        """The key ``key_ref`` names for ``caller`` in ``region``, else ``NotFound``.

        ``key_ref`` is a key id, key ARN, alias name or alias ARN. Another account's key can
        only be named by ARN; by bare id or alias it is as absent as a key that never was.
        """
        self._purge_deleted()
        if key_ref.startswith("arn:"):
            account, ref_region, resource = _split_arn(key_ref)
            if resource.startswith("key/"):
                return self._key_by_arn(key_ref, ref_region, region)
            return self._key_by_alias(account, ref_region, resource, caller, region, create_managed)
        if key_ref.startswith("alias/"):
            return self._key_by_alias(caller, region, key_ref, caller, region, create_managed)
        if not KEY_ID.match(key_ref):
            raise NotFound("invalid_key_id", key_id=key_ref)
        return self._key_by_arn(self._key_arn(caller, region, key_ref), region, region)

    def is_aws_managed(self, arn: str) -> bool:
        key = self._keys.get(arn)
        return key is not None and key.manager == AWS

    def aws_ebs_key(self, account: str, region: str) -> str:
        """The ARN of ``account``'s ``aws/ebs`` key in ``region``, created on first use."""
        return self._aws_ebs_key(account, region).arn

    def _aws_ebs_key(self, account: str, region: str) -> Key:
        arn = self._alias_arn(account, region, AWS_EBS_ALIAS)
        alias = self._aliases.get(arn)
        if alias is not None:
            return self._keys[self._key_arn(account, region, alias.target_key_id)]
        key = Key(
            key_id=self._fresh_key_id(account, region),
            account=account,
            region=region,
            created=self._clock(),
            policy=aws_ebs_key_policy(self._partition_of(region), account, region),
            description=AWS_EBS_DESCRIPTION,
            manager=AWS,
            partition=self._partition_of(region),
            material=ciphertext.new_material(),
        )
        # A dry run checks with the key it would create, and keeps none (core/commit.py).
        if not in_dry_run():
            self._keys[key.arn] = key
            self._aliases[arn] = Alias(
                AWS_EBS_ALIAS, account, region, key.key_id, key.created, key.created, key.partition
            )
        return key

    def can_use_for_launch(
        self,
        key_ref: str,
        caller_account: str,
        region: str,
        membership: Membership | None,
        principal_arns: tuple[str, ...] = (),
    ) -> KeyUseDecision:
        """Whether an EC2 launch by ``caller_account`` may use the key behind an encrypted
        snapshot: the key exists, is Enabled, and its policy allows the caller both
        ``kms:Decrypt`` and ``kms:DescribeKey`` (through EC2 in ``region``)."""
        try:
            key = self.resolve(key_ref, caller_account, region)
        except NotFound:
            return KeyUseDecision(False, f"key {key_ref} does not exist", None)
        return self._can_use(
            key, caller_account, region, membership, LAUNCH_ACTIONS, principal_arns
        )

    def can_use_for_storage(
        self,
        key_ref: str,
        caller_account: str,
        region: str,
        membership: Membership | None,
        principal_arns: tuple[str, ...] = (),
    ) -> KeyUseDecision:
        """Whether EC2 may make a volume or snapshot for ``caller_account`` under the key:
        it exists, is not another account's AWS managed key, is Enabled, and its policy
        allows the caller every one of ``EBS_ACTIONS`` (through EC2 in ``region``)."""
        try:
            key = self.resolve(key_ref, caller_account, region)
        except NotFound:
            return KeyUseDecision(False, f"key {key_ref} does not exist", None)
        if key.manager == AWS and key.account != caller_account:
            return KeyUseDecision(False, f"{key.arn} is another account's AWS managed key", None)
        return self._can_use(key, caller_account, region, membership, EBS_ACTIONS, principal_arns)

    def _can_use(
        self,
        key: Key,
        caller_account: str,
        region: str,
        membership: Membership | None,
        actions: tuple[str, ...],
        principal_arns: tuple[str, ...] = (),
    ) -> KeyUseDecision:
        """The key is Enabled and its policy allows the caller every action through EC2 in
        ``region``; the answer names the first refusal, else the first allow."""
        if key.state != ENABLED:
            return KeyUseDecision(False, f"{key.arn} is {_state_words(key)}", None)
        via_ec2 = {"kms:ViaService": f"ec2.{region}.amazonaws.com"}
        # The grant EC2 makes for the storage it keeps is for an AWS resource.
        for_resource = {**via_ec2, "kms:GrantIsForAWSResource": "true"}
        decisions = [
            self.decide(
                key,
                caller_account,
                action,
                membership,
                extra_context=for_resource if action == "kms:CreateGrant" else via_ec2,
                principal_arns=principal_arns,
            )
            for action in actions
        ]
        for decision in decisions:
            if not decision.allowed:
                return KeyUseDecision(False, decision.reason, decision.statement)
        return KeyUseDecision(True, decisions[0].reason, decisions[0].statement)

    def decide(
        self,
        key: Key,
        caller: str,
        action: str,
        membership: Membership | None,
        *,
        extra_context: dict[str, Any] | None = None,
        principal_arns: tuple[str, ...] = (),
    ) -> PolicyDecision:
        """The key policy's answer for ``caller``'s principal doing ``action`` on ``key``:
        statements naming the account (its root or id) match any principal of it, and those
        naming an IAM user, role or session by ARN match that one (``principal_arns``)."""
        context: dict[str, Any] = {
            **request_context(caller, membership),
            "kms:CallerAccount": caller,
            **(extra_context or {}),
        }
        return evaluate(
            _parsed(key.policy),
            principal_account=caller,
            action=action,
            resource=key.arn,
            context=context,
            principal_arns=principal_arns,
        )

    def allows_by_name(
        self, key_arn: str, principal_arns: tuple[str, ...], action: str, context: Context
    ) -> PolicyDecision | None:
        """The key policy's Allow of ``action`` for a principal it names by ARN (or by
        ``*``), not through its account: in the key's own account such an Allow needs no
        identity policy, where one through the account delegates to IAM (KMS Developer
        Guide, "Key policies"). None when no such statement allows, or one denies."""
        key = self._keys.get(key_arn)
        if key is None:
            return None
        decision = evaluate(
            _parsed(key.policy),
            principal_account="",  # no account-wide entry may match: only the ARNs or "*"
            action=action,
            resource=key.arn,
            context=context,
            principal_arns=principal_arns,
        )
        return decision if decision.allowed else None

    # ------------------------------------------------------------ internals

    def _own_key(self, key_ref: str, caller: str, region: str, action: str) -> Key:
        """A key for an operation AWS does not allow across accounts."""
        key = self.resolve(key_ref, caller, region)
        self._authorize(key, caller, action, cross_account=False)
        return key

    def _authorize(self, key: Key, caller: str, action: str, *, cross_account: bool) -> None:
        details = {"principal": root_arn(caller), "action": action, "resource": key.arn}
        if caller != key.account and not cross_account:
            raise NotAuthorized("cross_account_not_supported", **details)
        decision = self.decide(key, caller, action, self._membership(caller))
        if decision.effect == "Deny":
            raise NotAuthorized("access_denied_explicit", **details)
        if not decision.allowed:
            raise NotAuthorized("access_denied", **details)

    def _check_policy(
        self, text: str, caller: str, region: str, bypass: bool, key: Key | None = None
    ) -> None:
        """Valid grammar, and (unless bypassed) the caller keeps the right to change it."""
        parsed = _parsed(text)
        if bypass:
            return
        resource = key.arn if key else self._key_arn(caller, region, "*")
        context = {**request_context(caller, self._membership(caller)), "kms:CallerAccount": caller}
        decision = evaluate(
            parsed,
            principal_account=caller,
            action="kms:PutKeyPolicy",
            resource=resource,
            context=context,
        )
        if not decision.allowed:
            raise Malformed("policy_lockout")

    def _key_by_arn(self, arn: str, arn_region: str, region: str) -> Key:
        if arn_region != region:
            # AWS names the ARN's Region (recorded: "Invalid arn us-west-2").
            raise NotFound("invalid_arn_region", region=arn_region)
        key = self._keys.get(arn)
        if key is None:
            raise NotFound("key_not_found", arn=arn)
        return key

    def _key_by_alias(
        self,
        account: str,
        alias_region: str,
        name: str,
        caller: str,
        region: str,
        create_managed: bool,
    ) -> Key:
        arn = self._alias_arn(account, alias_region, name)
        if alias_region != region:
            raise NotFound("alias_not_found", arn=arn)
        if create_managed and name == AWS_EBS_ALIAS and account == caller:
            return self._aws_ebs_key(caller, region)
        alias = self._aliases.get(arn)
        if alias is None:
            raise NotFound("alias_not_found", arn=arn)
        return self._keys[self._key_arn(account, region, alias.target_key_id)]

    def _key_arn(self, account: str, region: str, key_id: str) -> str:
        return key_arn(self._partition_of(region), account, region, key_id)

    def _alias_arn(self, account: str, region: str, name: str) -> str:
        return alias_arn(self._partition_of(region), account, region, name)

    def _fresh_key_id(self, account: str, region: str) -> str:
        while True:
            key_id = self._ids.request_id()  # a UUID-shaped id, like KMS key ids
            if self._key_arn(account, region, key_id) not in self._keys:
                return key_id

    def _purge_deleted(self) -> None:
        """Keys whose waiting period is over are gone, with their aliases. O(1) when none
        is due; O(aliases) once when some are gone."""
        now = self._clock()
        gone: set[str] = set()
        while self._deletions and self._deletions[0][0] <= now:
            date, arn = heapq.heappop(self._deletions)
            key = self._keys.get(arn)
            if key is not None and key.deletion_date == date:
                gone.add(arn)
        if not gone:
            return
        targets = {(k.account, k.region, k.key_id) for k in map(self._keys.pop, gone)}
        for arn in gone:
            self.grants.drop_key(arn)
        for alias_arn_, alias in list(self._aliases.items()):
            if (alias.account, alias.region, alias.target_key_id) in targets:
                del self._aliases[alias_arn_]


def key_account(arn: str) -> str:
    """The account of a key ARN as EC2 stores it."""
    return arn.split(":", 5)[4]


def _split_arn(arn: str) -> tuple[str, str, str]:
    """(account, region, resource) of a KMS key or alias ARN, else ``invalid_key_id``."""
    parts = arn.split(":", 5)
    if (
        len(parts) != 6
        or not parts[1].startswith("aws")
        or parts[2] != "kms"
        or not (len(parts[4]) == 12 and parts[4].isdigit())
        or not (
            (parts[5].startswith("key/") and KEY_ID.match(parts[5][4:]))
            or ALIAS_NAME.match(parts[5])
        )
    ):
        raise NotFound("invalid_key_id", key_id=arn)
    return parts[4], parts[3], parts[5]


def _check_alias_name(name: str) -> None:
    """The model's constraints first (length, characters), then KMS's own rules, as AWS
    checks them; a colon passes the model's pattern and is refused by KMS."""
    _check_length("aliasName", name, 256)
    if not ALIAS_CHARACTERS.match(name):
        raise InvalidValue("alias_name_pattern", name=name)
    if not name.startswith("alias/"):
        raise InvalidValue("alias_prefix", name=name)
    if name.startswith(RESERVED_ALIAS_PREFIX):
        raise InvalidValue("alias_reserved", name=name)
    if ":" in name:
        raise InvalidValue("alias_name_colon", name=name)
    if not ALIAS_NAME.match(name):
        raise InvalidValue("alias_name_empty", name=name)


def _check_policy_name(name: str | None) -> None:
    if name is not None and name != POLICY_NAME:
        raise NotFound("policy_not_found", name=name)


def _check_length(name: str, value: str, most: int) -> None:
    if len(value) > most:
        raise InvalidValue("too_long", name=name, value=value, most=most)


def _refuse_pending_deletion(key: Key) -> None:
    if key.state == PENDING_DELETION:
        raise InvalidValue("key_pending_deletion", arn=key.arn)


def _state_words(key: Key) -> str:
    return "pending deletion" if key.state == PENDING_DELETION else "disabled"


def _check_size(name: str, size: int, bounds: tuple[int, int]) -> None:
    """A sensitive member's length: AWS names the member, never its value."""
    low, high = bounds
    if size < low:
        raise InvalidValue("sensitive_too_short", name=name, low=low)
    if size > high:
        raise InvalidValue("sensitive_too_long", name=name, high=high)


def _check_size_value(name: str, value: int, bounds: tuple[int, int]) -> None:
    low, high = bounds
    if not low <= value <= high:
        raise out_of_range(name, value, bounds)


def _check_algorithm(name: str, algorithm: str | None) -> None:
    if algorithm is None or algorithm == ALGORITHM:
        return
    if algorithm not in ENCRYPTION_ALGORITHMS:
        choices = ", ".join(ENCRYPTION_ALGORITHMS)
        raise InvalidValue("not_in_enum", name=name, value=algorithm, choices=choices)
    raise InvalidValue("algorithm_not_for_key", algorithm=algorithm)


def _check_usable(key: Key) -> None:
    """Cryptographic operations need an Enabled key."""
    if key.state == DISABLED:
        raise InvalidValue("key_disabled", arn=key.arn)
    _refuse_pending_deletion(key)


def _check_operations(operations: list[str]) -> None:
    if not operations:
        raise InvalidValue("grant_operations_empty")
    unknown = [op for op in operations if op not in SYMMETRIC_OPERATIONS]
    if unknown:
        raise InvalidValue("grant_operations_invalid", operations=unknown)


def _check_grant_id(grant_id: str) -> None:
    if not GRANT_ID.match(grant_id):
        raise InvalidValue("invalid_grant_id", grant_id=grant_id)


def _constraints(
    constraints: dict[str, Any] | None,
) -> tuple[dict[str, str] | None, dict[str, str] | None]:
    """(EncryptionContextEquals, EncryptionContextSubset) of a CreateGrant's Constraints."""
    constraints = constraints or {}
    if "SourceArn" in constraints:
        raise InvalidValue("unsupported_value", name="Constraints.SourceArn", value="")
    equals, subset = constraints.get(EQUALS), constraints.get(SUBSET)
    if equals is not None and subset is not None:
        raise InvalidValue("grant_constraints_both")
    return equals, subset


def _same_terms(grant: Grant, terms: dict[str, Any]) -> bool:
    return all(getattr(grant, name) == value for name, value in terms.items())


def _grant_order(grant: Grant) -> str:
    return f"{grant.created.isoformat()}/{grant.grant_id}"


def _grant_gives(grant: Grant, operation: str, parameters: dict[str, Any]) -> bool:
    """Whether ``grant`` gives ``operation`` for a call with these parameters; a grant
    made through one must stay within it."""
    if operation == "CreateGrant":
        return "CreateGrant" in grant.operations and grant.covers(
            parameters["operations"], parameters["equals"], parameters["subset"]
        )
    context = parameters.get("encryption_context")
    return grant.allows(operation, context)


def _condition_keys(action: str, parameters: dict[str, Any]) -> dict[str, Any]:
    """The KMS condition keys of a direct call (KMS Developer Guide, "AWS KMS condition
    keys"): the encryption context's, and for CreateGrant the new grant's."""
    keys: dict[str, Any] = {}
    context = parameters.get("encryption_context")
    if context is not None:
        keys["kms:EncryptionContextKeys"] = sorted(context)
        keys.update({f"kms:EncryptionContext:{k}": v for k, v in context.items()})
    if action == "kms:CreateGrant":
        keys["kms:GrantIsForAWSResource"] = "false"
        keys["kms:GrantOperations"] = list(parameters["operations"])
        keys["kms:GranteePrincipal"] = parameters["grantee"]
        if parameters["retiring"]:
            keys["kms:RetiringPrincipal"] = parameters["retiring"]
    return keys
