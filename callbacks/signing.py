"""The signer's confirmation before a certificate is signed (layouts.common.signing_modal), shared by the
application page, batch issuing and the certificate page (a replacement): by the signer's password, or by their
IC card's PIN. With the card, the page asks the server for a one-time challenge and the card agent on this PC for
the card's signature over it and over the act (`certdash.js` cardConfirm); the signature lands in the dialog's
card store, which runs the page's confirm callback, and `confirmation` checks it against the card bound to the
signer (data.accounts.signin)."""
from __future__ import annotations

import base64
import binascii

from dash import ClientsideFunction, Input, Output, State, clientside_callback
from flask import current_app
from sqlalchemy.orm import Session

from auth.card_protocol import confirm_text
from auth.session import csrf_token, site_origin, take_card_confirm_nonce
from callbacks.inputs import as_text
from data.accounts.signin import confirm_signer, confirm_signer_by_card
from data.core.scope import Actor
from layouts.common import CardAccess
from layouts.page_ids import SigningDialogIds

CARD = "card"  # the dialog's method for the IC card (the other is "password")


def card_access() -> CardAccess:
    """The card agent's address (settings) and this session's CSRF token, for the signing dialog."""
    return CardAccess(current_app.config["CERTDASH_SETTINGS"].card_agent_url, csrf_token())


def register_signing(ids: SigningDialogIds) -> None:
    """The dialog's client side: the method chosen shows its field; with the card, Confirm asks the card agent
    and puts what the card signed into the card store (or says why not under the field)."""
    clientside_callback(
        ClientsideFunction("certdash", "signMethod"),
        Output(ids.password_group, "hidden"), Output(ids.pin_group, "hidden"),
        Input(ids.method, "value"),
    )
    clientside_callback(
        ClientsideFunction("certdash", "cardConfirm"),
        Output(ids.card, "data"), Output(ids.error, "children", allow_duplicate=True),
        Output(ids.pin, "value"),
        Input(ids.confirm, "n_clicks"),
        State(ids.method, "value"), State(ids.pin, "value"), State(ids.pending, "data"),
        State(ids.card_config, "data"),
        prevent_initial_call=True,
    )


def act_text(act: dict) -> str:
    """The text the card signs for an act (the page's pending store carries it to the card agent)."""
    return confirm_text(act)


def by_card(triggered_prop_ids: dict, ids: SigningDialogIds) -> bool:
    """Whether the confirm callback runs because the card signed (else only the Confirm button was pressed).

    The card store is written by the card script the same click started, so Dash runs the confirm callback once,
    after that script, with both the button and (when the card signed) the store among its triggers."""
    return f"{ids.card}.data" in (triggered_prop_ids or {})


def confirmation(s: Session, actor: Actor, act: dict, *, card: bool, password, proof) -> str | None:
    """None when the signer confirmed `act`, else why not (a `layouts.common.SIGN_ERRORS` code).

    With the card (`card` true: the card store changed) the proof must answer this session's challenge and be
    signed by the card bound to the signer over this very act; with the password, the password must be theirs.
    Every outcome is audited by the data layer; a failure counts toward the signer's wait."""
    if card:
        if not isinstance(proof, dict):
            return "challenge_unknown"
        nonce, card_no, signature = (as_text(proof.get(k)) for k in ("nonce", "card_no", "signature"))
        if not (nonce and card_no and signature) or not take_card_confirm_nonce(nonce):
            return "challenge_unknown"
        try:
            raw = base64.b64decode(signature, validate=True)
        except (binascii.Error, ValueError):
            return "bad_signature"
        return confirm_signer_by_card(s, actor.user_id, nonce=nonce, card_no=card_no, signature=raw,
                                      origin=site_origin(), what=act)
    return confirm_signer(s, actor.user_id, as_text(password), what=act)


def waits_for_card(card: bool, method) -> bool:
    """The Confirm button was pressed with the card chosen: the page's card script answers, not the server."""
    return not card and method == CARD
