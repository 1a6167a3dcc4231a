"""Plan rules: each module holds small named rules, (PlanContext, Findings) -> drafts."""
