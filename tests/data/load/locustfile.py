"""Load on a static file server: a page that exists and one that does not (every request to it fails)."""

from locust import HttpUser, constant, task


class Visitor(HttpUser):
    wait_time = constant(0.02)

    @task(3)
    def page(self) -> None:
        self.client.get("/index.html")

    @task(1)
    def missing(self) -> None:
        self.client.get("/missing.html")
