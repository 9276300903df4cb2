"""Statistical returns (统计报表): a scope's figures for a period, submitted and locked."""
