package web

// The findings list's and the chain page's texts. Severity and status
// names are the CLI's (finding's table prints the English ones).
func init() {
	addTexts("en", map[string]string{
		"findings.title": "Findings", "findings.severity": "Severity", "findings.cloud": "Cloud",
		"findings.account": "Account", "findings.rule": "Rule", "findings.actor": "Actor", "findings.status": "Status",
		"findings.since": "Since", "findings.time": "Time (UTC)", "findings.any": "any", "findings.apply": "Filter",
		"findings.reset": "Clear filters", "findings.bad": "Cannot read the filter %q: the list is empty until it is fixed.",
		"findings.acked": "%d findings acknowledged.", "findings.select": "select",
		"findings.reason": "Reason", "findings.ackselected": "Acknowledge selected",
		"findings.first": "« First page", "findings.next": "Next page »", "findings.none": "No findings match.",
		"sev.info": "info", "sev.low": "low", "sev.medium": "medium", "sev.high": "high", "sev.critical": "critical", "sev.unknown": "unknown",
		"status.open": "open", "status.acknowledged": "acknowledged", "status.suppressed": "suppressed", "status.": "—",
		"since.1h": "last hour", "since.24h": "last 24 hours", "since.168h": "last 7 days", "since.720h": "last 30 days",
	})
	addTexts("ru", map[string]string{
		"findings.title": "Находки", "findings.severity": "Важность", "findings.cloud": "Облако",
		"findings.account": "Аккаунт", "findings.rule": "Правило", "findings.actor": "Субъект", "findings.status": "Статус",
		"findings.since": "С", "findings.time": "Время (UTC)", "findings.any": "любой", "findings.apply": "Отобрать",
		"findings.reset": "Сбросить фильтры", "findings.bad": "Не удалось прочитать фильтр %q: список пуст, пока он не исправлен.",
		"findings.acked": "Подтверждено находок: %d.", "findings.select": "выбрать",
		"findings.reason": "Причина", "findings.ackselected": "Подтвердить выбранные",
		"findings.first": "« Первая страница", "findings.next": "Следующая страница »", "findings.none": "Подходящих находок нет.",
		"sev.info": "инфо", "sev.low": "низкая", "sev.medium": "средняя", "sev.high": "высокая", "sev.critical": "критическая", "sev.unknown": "неизвестно",
		"status.open": "открыта", "status.acknowledged": "подтверждена", "status.suppressed": "подавлена", "status.": "—",
		"since.1h": "последний час", "since.24h": "последние 24 часа", "since.168h": "последние 7 дней", "since.720h": "последние 30 дней",
	})
}
