"""The health of a ledger file, and a writer that keeps one busy.

`consistent` is the probe of the chaos experiments in tests/chaos/experiments/; `churn` is the writer
that those experiments and the durability tests kill in the middle of its work:

    python -m ledger.health --db ledger.sqlite            # exit 0 when consistent, 1 when not
    python -m ledger.health --db ledger.sqlite --churn 50 # 50 rounds of writes, "committed N" after each
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from .errors import UnknownItem
from .models import Item
from .money import Money
from .service import Inventory
from .store import Store

CHURN_SKU = "CHRN-001"


def consistent(db: str) -> bool:
    """SQLite finds the file sound, and every stock level equals the sum of its movements."""
    store = Store(db)
    try:
        return store.query("PRAGMA integrity_check") == [("ok",)] and Inventory(store).consistent()
    finally:
        store.close()


def churn(db: str, rounds: int, report: Callable[[str], None] = print) -> None:
    """Receive and transfer stock `rounds` times; `report` hears `committed N` after round N's commits."""
    inventory = Inventory(Store(db))
    try:
        inventory.item(CHURN_SKU)
    except UnknownItem:
        inventory.add_item(Item(CHURN_SKU, "Churn test item", Money(1)))
    for number in range(1, rounds + 1):
        inventory.receive(CHURN_SKU, 2, reference=f"churn {number}")
        inventory.transfer(CHURN_SKU, 1, "main", "shop")
        report(f"committed {number}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check a ledger file, or keep it busy with writes.")
    parser.add_argument("--db", required=True, help="the SQLite file")
    parser.add_argument("--churn", type=int, metavar="ROUNDS", help="write ROUNDS rounds instead of checking")
    args = parser.parse_args(argv)
    if args.churn is not None:
        churn(args.db, args.churn, lambda line: print(line, flush=True))
        return 0
    healthy = consistent(args.db)
    print("consistent" if healthy else "inconsistent")
    return 0 if healthy else 1


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
