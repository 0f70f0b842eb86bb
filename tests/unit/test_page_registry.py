"""The page registry: every page declared once, with ids that carry its prefix; nothing to keep in step by hand."""
from __future__ import annotations

import pytest

from auth.guard import PUBLIC, SIGNED_IN
from auth.permissions import PERMISSION_CODES
from dashboard.web.pages import SHARED_PREFIXES, access_map, page_specs
from layouts.page_ids import PageIds

FRAME_PREFIXES = {"shell", "error"}  # the navbar and the error pages: no page of their own


def test_every_page_module_declares_its_spec_and_the_registry_finds_them_all():
    specs = page_specs()
    assert len(specs) == 42
    assert len({p.key for p in specs}) == len({p.path for p in specs}) == len({p.id_prefix for p in specs}) == 42
    assert [p.order for p in specs] == sorted(p.order for p in specs)
    assert specs[0].key == "login" and specs[-1].key == "verify"


def test_every_permission_is_a_known_code_or_public_or_signed_in():
    for spec in page_specs():
        codes = spec.permission if isinstance(spec.permission, tuple) else (spec.permission,)
        assert all(c in PERMISSION_CODES or c in (PUBLIC, SIGNED_IN) for c in codes), spec.key


def test_declared_id_prefixes_and_page_specs_match_one_to_one():
    declared = set(PageIds.declared) - FRAME_PREFIXES
    assert declared == {p.id_prefix for p in page_specs()}
    assert all(p.ids is PageIds.declared[p.id_prefix] for p in page_specs())


def test_the_guard_maps_every_page_prefix_to_its_pages_permission():
    prefixes = access_map().prefix_permissions
    assert set(prefixes) == {p.id_prefix for p in page_specs()} | set(SHARED_PREFIXES)
    assert all(prefixes[p.id_prefix] == p.permission for p in page_specs())


def test_ids_carry_the_page_prefix_and_malformed_ones_fail_at_import():
    from layouts.statistics import ids

    assert ids.ISSUANCE_CHART == "issuance-chart" and ids.ISSUANCE.prefix == "issuance"
    with pytest.raises(ValueError, match="declared twice"):
        PageIds("issuance")
    with pytest.raises(ValueError, match="malformed id prefix"):
        PageIds("Bad-Prefix")
    with pytest.raises(ValueError, match="malformed id name"):
        ids.ISSUANCE("Chart")
