"""The layering (docs/architecture.md, "Layers") holds: `lint-imports` keeps
every contract in pyproject.toml, and every telecom module is placed, either
in the infrastructure or among the features, so a new one cannot slip past
the contracts. CI runs `lint-imports` too (.ci/run); this makes `make test`
enforce the same."""

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
CONTRACTS = {
    contract["id"]: contract
    for contract in tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"][
        "contracts"
    ]
}
ABOVE_TELECOM = {"subscribers", "voiceflows", "sandbox"}


def infrastructure() -> set[str]:
    return set(CONTRACTS["infrastructure"]["source_modules"])


def features() -> set[str]:
    return set(CONTRACTS["infrastructure"]["forbidden_modules"]) - ABOVE_TELECOM


def telecom_modules() -> set[str]:
    """Every module of the telecom package but the sandbox and the migrations."""
    names = set()
    for path in (ROOT / "telecom").rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if "sandbox" in parts or "migrations" in parts:
            continue
        names.add(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def placed_in(module: str, listed: set[str]) -> bool:
    return any(module == name or module.startswith(name + ".") for name in listed)


def test_the_import_contracts_are_kept():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_telecom_module_is_infrastructure_or_a_feature():
    infra, feats = infrastructure(), features()
    containers = {name.rsplit(".", n)[0] for name in infra | feats for n in (1, 2)}
    unplaced = {
        module
        for module in telecom_modules()
        if not placed_in(module, infra | feats) and module not in containers
    }
    both = {module for module in telecom_modules() if placed_in(module, infra)} & {
        module for module in telecom_modules() if placed_in(module, feats)
    }
    assert not unplaced, f"name these in pyproject.toml [tool.importlinter]: {sorted(unplaced)}"
    assert not both, f"both infrastructure and a feature: {sorted(both)}"


def test_subscribers_are_forbidden_the_same_features_as_the_infrastructure():
    assert set(CONTRACTS["subscribers"]["forbidden_modules"]) - ABOVE_TELECOM == features()
