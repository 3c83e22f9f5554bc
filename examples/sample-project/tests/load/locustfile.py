"""Load on the ledger API as shop clerks make it: reads, stock in, stock out.

Run by the `load` tier (off by default, on in the nightly workflow):
    qa run examples/sample-project --tiers load
"""

import itertools

from locust import HttpUser, between, task

_clerks = itertools.count(1)


class Clerk(HttpUser):
    wait_time = between(0.01, 0.05)

    def on_start(self) -> None:
        self.sku = f"LOAD-{next(_clerks):03d}"
        self.client.post("/items", json={"sku": self.sku, "name": "Load test item", "price": "1.00"},
                         name="/items [create]")
        self.client.post(f"/items/{self.sku}/receive", json={"quantity": 100}, name="/items/[sku]/receive")

    @task(5)
    def health(self) -> None:
        self.client.get("/health")

    @task(3)
    def read_item(self) -> None:
        self.client.get(f"/items/{self.sku}", name="/items/[sku]")

    @task(1)
    def move_stock(self) -> None:
        self.client.post(f"/items/{self.sku}/receive", json={"quantity": 2}, name="/items/[sku]/receive")
        self.client.post(f"/items/{self.sku}/ship", json={"quantity": 1}, name="/items/[sku]/ship")
