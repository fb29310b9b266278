from hub.wallet import devcerts
from hub.wallet.config import wallet_config


def test_production_certificates_name_the_pass_type_and_team(tmp_path, configure):
    chain = devcerts.generate(tmp_path, "pass.com.example.stamps", "ABCDE12345")
    configure(
        APPLE_PASS_CERT=str(chain.pass_cert),
        APPLE_PASS_KEY=str(chain.pass_key),
        APPLE_WWDR_CERT=str(chain.wwdr_cert),
        APPLE_PASS_TYPE_ID=None,
        APPLE_TEAM_ID=None,
    )
    conf = wallet_config().apple
    assert (conf.pass_type_id, conf.team_id, conf.development) == ("pass.com.example.stamps", "ABCDE12345", False)


def test_the_development_chain_is_made_once_per_pass_type(tmp_path):
    first = devcerts.ensure(tmp_path / "wallet-dev", "pass.dev.one", "DEVTEAM000")
    assert devcerts.ensure(tmp_path / "wallet-dev", "pass.dev.one", "DEVTEAM000") == first
    other = devcerts.ensure(tmp_path / "wallet-dev", "pass.dev.two", "DEVTEAM000")
    assert other.pass_cert != first.pass_cert and other.pass_cert.exists()
    assert "Development" in (tmp_path / "wallet-dev" / "README.txt").read_text()
