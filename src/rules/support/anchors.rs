//! Values read through a YAML alias or merge key (`<<: *defaults`) sit in the anchor, shared
//! by every use. A finding about one use belongs at that use, with the anchor as a related
//! place: otherwise ten services merging one anchor give ten findings on one line.

use crate::api::Finding;
use crate::source::Span;

/// Where to report a finding about `value` for the entity written at `owner`: the value's
/// own span when it is written inside the owner, else `fallback` (a place inside the owner),
/// with the value (in the anchor) as the first related place.
pub fn place(value: Span, owner: Span, fallback: Span) -> (Span, Option<Span>) {
    if owner.start <= value.start && value.end <= owner.end {
        (value, None)
    } else {
        (fallback, Some(value))
    }
}

/// A finding at `value` for the entity at `owner`, moved to `fallback` when the value comes
/// from an anchor.
pub fn at_use(
    make: impl FnOnce(Span) -> Finding,
    value: Span,
    owner: Span,
    fallback: Span,
) -> Finding {
    match place(value, owner, fallback) {
        (span, None) => make(span),
        (span, Some(anchor)) => make(span).related(anchor, "the value, set in a YAML anchor"),
    }
}
