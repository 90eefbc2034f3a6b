"""Hierarchy: organizations, brands, campaigns, phone numbers and tracking domains (read-only)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table

from mock import listing
from mock.listing import visible
from mock.responses import Result, ok
from mock.store import tables


def list_organizations(
    limit: int = 25, cursor: str | None = None, org_id: str | None = None,
    parent_id: str | None = None,
) -> Result:
    if parent_id is not None:
        visible(tables.organizations, "organization", parent_id)
    return ok(_page(tables.organizations, limit, cursor, org_id, {"parent_id": parent_id}))


def get_organization(organization_id: str) -> Result:
    return ok(visible(tables.organizations, "organization", organization_id))


def list_brands(limit: int = 25, cursor: str | None = None, org_id: str | None = None) -> Result:
    return ok(_page(tables.brands, limit, cursor, org_id, {}))


def get_brand(brand_id: str) -> Result:
    return ok(visible(tables.brands, "brand", brand_id))


def list_campaigns(
    limit: int = 25, cursor: str | None = None, org_id: str | None = None,
    brand_id: str | None = None,
) -> Result:
    return ok(_page(tables.campaigns, limit, cursor, org_id, _refs(brand_id=brand_id)))


def get_campaign(campaign_id: str) -> Result:
    return ok(visible(tables.campaigns, "campaign", campaign_id))


def list_phone_numbers(
    limit: int = 25, cursor: str | None = None, org_id: str | None = None,
    brand_id: str | None = None, campaign_id: str | None = None, capability: str | None = None,
) -> Result:
    where = _refs(brand_id=brand_id, campaign_id=campaign_id)
    if capability is not None:
        where[f"can_{capability}"] = True
    return ok(_page(tables.phone_numbers, limit, cursor, org_id, where))


def get_phone_number(phone_number_id: str) -> Result:
    return ok(visible(tables.phone_numbers, "phone number", phone_number_id))


def list_tracking_domains(
    limit: int = 25, cursor: str | None = None, org_id: str | None = None,
    brand_id: str | None = None,
) -> Result:
    return ok(_page(tables.tracking_domains, limit, cursor, org_id, _refs(brand_id=brand_id)))


def get_tracking_domain(tracking_domain_id: str) -> Result:
    return ok(visible(tables.tracking_domains, "tracking domain", tracking_domain_id))


_REF_TABLES = {"brand_id": (tables.brands, "brand"), "campaign_id": (tables.campaigns, "campaign")}


def _refs(**filters: str | None) -> dict[str, Any]:
    """Equality filters on referenced resources, each of which must be visible (else 404)."""
    for column, value in filters.items():
        if value is not None:
            table, kind = _REF_TABLES[column]
            visible(table, kind, value)
    return filters


def _page(table: Table, limit: int, cursor: str | None, org_id: str | None,
          where: dict[str, Any]) -> dict[str, object]:
    return listing.page(table, limit=limit, cursor=cursor, org_id=org_id, where=where)
