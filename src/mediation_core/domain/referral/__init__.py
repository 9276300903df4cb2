"""Referrals (移送 / 委托): a police station, the traffic police, a court or another agency
hands a dispute to a mediation room with a letter. Issued → accepted (which opens the linked
case in the same transaction) | declined (a 不予调解函) | returned | withdrawn; an accepted
referral receives the case's result (反馈) when the case concludes (docs/linkage.md)."""
