-- CreateIndex
CREATE INDEX "first_contact_daily_read" ON "first_contact_daily"("day", "platform", "branch_id", "team_id", "employee_id", "histogram");

-- CreateIndex
CREATE INDEX "lead_daily_stats_read" ON "lead_daily_stats"("grain", "day", "platform", "campaign_id", "adset_id", "ad_id", "form_id", "branch_id", "team_id", "employee_id", "leads", "contacted", "qualified", "proposal", "won", "lost", "duplicates", "sla_met", "sla_breached");
