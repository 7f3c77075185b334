package web

// The entitlements page's texts.
func init() {
	addTexts("en", map[string]string{
		"entitlements.title":        "Entitlements",
		"entitlements.run":          "Run of %s UTC: %d principals evaluated, %d listed with their grants, %d of them unexpected (listed first).",
		"entitlements.principal":    "Principal",
		"entitlements.type":         "Type",
		"entitlements.capabilities": "Capabilities",
		"entitlements.unexpected":   "unexpected",
		"entitlements.expired":      "approval expired",
		"entitlements.indirect":     "indirect",
		"entitlements.onactivation": "on activation",
		"entitlements.via":          "how",
		"entitlements.finding":      "finding",
		"entitlements.scope":        "scope:",
		"entitlements.conditions":   "conditions:",
		"entitlements.nogrants":     "The run found no principal holding a snapshot capability.",
		"entitlements.norun":        "No run stored yet — run snapwarden entitlements … --db with this console's store, for example:",
		"entitlements.thisstore":    "STORE",
	})
	addTexts("ru", map[string]string{
		"entitlements.title":        "Полномочия",
		"entitlements.run":          "Проверка от %s UTC: субъектов оценено %d, с полномочиями перечислено %d, из них неожиданных %d (они первые).",
		"entitlements.principal":    "Субъект",
		"entitlements.type":         "Тип",
		"entitlements.capabilities": "Полномочия",
		"entitlements.unexpected":   "неожиданный",
		"entitlements.expired":      "согласование истекло",
		"entitlements.indirect":     "косвенно",
		"entitlements.onactivation": "по активации",
		"entitlements.via":          "откуда",
		"entitlements.finding":      "находка",
		"entitlements.scope":        "область:",
		"entitlements.conditions":   "условия:",
		"entitlements.nogrants":     "Проверка не нашла субъектов с полномочиями над снимками.",
		"entitlements.norun":        "Проверок ещё нет — запустите snapwarden entitlements … --db с хранилищем этой консоли, например:",
		"entitlements.thisstore":    "ХРАНИЛИЩЕ",
	})
}
