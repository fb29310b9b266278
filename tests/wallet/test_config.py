from hub.wallet import devcerts
from hub.wallet.config import _apple


def test_production_certificates_name_the_pass_type_and_team(tmp_path, monkeypatch):
    chain = devcerts.generate(tmp_path, "pass.com.example.stamps", "ABCDE12345")
    monkeypatch.setenv("APPLE_PASS_CERT", str(chain.pass_cert))
    monkeypatch.setenv("APPLE_PASS_KEY", str(chain.pass_key))
    monkeypatch.setenv("APPLE_WWDR_CERT", str(chain.wwdr_cert))
    monkeypatch.delenv("APPLE_PASS_TYPE_ID", raising=False)
    monkeypatch.delenv("APPLE_TEAM_ID", raising=False)
    conf = _apple()
    assert (conf.pass_type_id, conf.team_id, conf.development) == ("pass.com.example.stamps", "ABCDE12345", False)


def test_the_development_chain_is_made_once_per_pass_type(tmp_path):
    first = devcerts.ensure(tmp_path / "wallet-dev", "pass.dev.one", "DEVTEAM000")
    assert devcerts.ensure(tmp_path / "wallet-dev", "pass.dev.one", "DEVTEAM000") == first
    other = devcerts.ensure(tmp_path / "wallet-dev", "pass.dev.two", "DEVTEAM000")
    assert other.pass_cert != first.pass_cert and other.pass_cert.exists()
    assert "Development" in (tmp_path / "wallet-dev" / "README.txt").read_text()
