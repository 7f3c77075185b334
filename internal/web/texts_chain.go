package web

// The finding page's texts.
func init() {
	addTexts("en", map[string]string{
		"chain.summary": "Summary", "chain.until": "until", "chain.revision": "revision",
		"chain.lineage": "Lineage", "chain.critical": "critical", "chain.derived": "copy of critical data", "chain.review": "Review",
		"chain.ack": "Acknowledge", "chain.suppress": "Suppress", "chain.reopen": "Reopen", "chain.for": "For",
		"chain.for.24h": "1 day", "chain.for.168h": "7 days", "chain.for.720h": "30 days", "chain.for.": "until reopened",
		"chain.timeline": "Timeline", "chain.useragent": "user agent", "chain.error": "error",
		"chain.record": "Raw record", "chain.norecord": "Record not kept.",
		"chain.audit": "Audit trail", "chain.noaudit": "Not reviewed yet.", "chain.action": "Action", "chain.by": "By", "chain.expires": "Expires",
		"chain.action.ack": "acknowledged", "chain.action.suppress": "suppressed", "chain.action.reopen": "reopened",
		"chain.done.ack": "Acknowledged.", "chain.done.suppress": "Suppressed.", "chain.done.reopen": "Reopened.",
		"chain.bad.reason": "A suppression needs a reason.", "chain.bad.for": "Unknown suppression period.", "chain.bad.action": "Unknown review action.",
	})
	addTexts("ru", map[string]string{
		"chain.summary": "Сводка", "chain.until": "до", "chain.revision": "ревизия",
		"chain.lineage": "Происхождение", "chain.critical": "критичный", "chain.derived": "копия критичных данных", "chain.review": "Разбор",
		"chain.ack": "Подтвердить", "chain.suppress": "Подавить", "chain.reopen": "Открыть снова", "chain.for": "Срок",
		"chain.for.24h": "1 день", "chain.for.168h": "7 дней", "chain.for.720h": "30 дней", "chain.for.": "до повторного открытия",
		"chain.timeline": "Хронология", "chain.useragent": "user agent", "chain.error": "ошибка",
		"chain.record": "Исходная запись", "chain.norecord": "Запись не сохранена.",
		"chain.audit": "Журнал разбора", "chain.noaudit": "Ещё не разбиралась.", "chain.action": "Действие", "chain.by": "Кто", "chain.expires": "Истекает",
		"chain.action.ack": "подтверждена", "chain.action.suppress": "подавлена", "chain.action.reopen": "открыта снова",
		"chain.done.ack": "Подтверждено.", "chain.done.suppress": "Подавлено.", "chain.done.reopen": "Открыто снова.",
		"chain.bad.reason": "Для подавления нужна причина.", "chain.bad.for": "Неизвестный срок подавления.", "chain.bad.action": "Неизвестное действие.",
	})
}
