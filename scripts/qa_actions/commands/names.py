from __future__ import annotations

import json

import click

from ..errors import EXIT_OK


@click.command()
@click.option("--project-dir", default=".", show_default=True,
              help="The project's folder relative to the workspace, as the workflow's `project-dir` input gives it.")
@click.option("--tier", help="Also name this tier's artifact (output `artifact-name`).")
@click.option("--shard", default="1", show_default=True, help="With --tier: which shard (1-based).")
@click.option("--shards", default="1", show_default=True, help="With --tier: into how many shards the tier is split.")
@click.option("--artifact-prefix", default=None,
              help="With --tier: the artifact's prefix instead of the project's (`qa-results`, or "
                   "`<project-key>-qa-results`).")
def names(project_dir: str, tier: str | None, shard: str, shards: str, artifact_prefix: str | None) -> int:
    """Print the names of this project's reports on GitHub as JSON, and set them as step outputs.

    One project key, made from --project-dir, tells apart the artifacts, history caches, code-scanning
    category, check runs, comment and nightly issue of projects that share a repository: empty at the
    root (`.`, whose names never change), `services-a` for `services/a`. A line break, an absolute
    path or a path out of the workspace is refused (exit 2).
    """
    from ..github_env import write_outputs
    from ..names import ProjectNames, tier_artifact_name

    project = ProjectNames.of(project_dir)
    values = project.outputs()
    if tier is not None:
        values["artifact-name"] = tier_artifact_name(project, tier, shard, shards, artifact_prefix or None)
    write_outputs(values)
    click.echo(json.dumps(values, indent=2))
    return EXIT_OK
