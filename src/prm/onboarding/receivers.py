"""What onboarding does when other capabilities announce something."""

from prm.core.events import subscribe
from prm.onboarding import services


@subscribe("contract.signed")
def complete_contract_steps(*, contract_id: int, partner_id: int, **_payload) -> None:
    services.contract_signed(contract_id=contract_id, partner_id=partner_id)
