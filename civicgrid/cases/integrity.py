"""Checking a case's event chain: every event's hash recomputed, every link and the case's head."""

from dataclasses import dataclass

from civicgrid.cases.models import GENESIS_HASH, CaseEvent


@dataclass(frozen=True)
class ChainBreak:
    case_number: str
    seq: int | None  # the first event that does not verify (None: the case row's head)
    problem: str

    def __str__(self):
        where = f"#{self.seq}" if self.seq is not None else "head"
        return f"{self.case_number} {where}: {self.problem}"


def verify_chain(case):
    """The first break in `case`'s event chain, or None if every event verifies.

    Catches an edited event (its hash no longer matches its fields), a removed or reordered one
    (a gap in seq or a prev_hash that is not the previous event's hash), and the newest events
    removed (the case row's event_count and head_hash no longer match the last event).
    """
    prev, expected_seq = GENESIS_HASH, 1
    events = CaseEvent.objects.filter(case_id=case.pk).order_by("seq")
    for event in events.iterator(chunk_size=500):
        if event.seq != expected_seq:
            return ChainBreak(case.number, expected_seq, f"event missing (found #{event.seq} next)")
        if event.prev_hash != prev:
            return ChainBreak(case.number, event.seq, "link to the previous event is broken")
        if event.compute_hash() != event.hash:
            return ChainBreak(case.number, event.seq, "event content does not match its hash")
        prev, expected_seq = event.hash, expected_seq + 1
    if expected_seq - 1 != case.event_count or (case.event_count and prev != case.head_hash):
        return ChainBreak(
            case.number,
            None,
            f"case records {case.event_count} events ending in {case.head_hash[:12]}…, "
            f"chain has {expected_seq - 1} ending in {prev[:12]}…",
        )
    return None
