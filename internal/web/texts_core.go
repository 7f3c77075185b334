package web

// The layout's, the login page's and the error pages' texts.
func init() {
	addTexts("en", map[string]string{
		"nav.overview":     "Overview",
		"nav.findings":     "Findings",
		"nav.inventory":    "Inventory",
		"nav.entitlements": "Entitlements",
		"nav.lang":         "Русский",
		"nav.logout":       "Log out",
		"login.title":      "Log in",
		"login.user":       "User",
		"login.password":   "Password",
		"login.submit":     "Log in",
		"login.failed":     "Unknown user or wrong password.",
		"login.nousers":    "No console users are configured. Make a password hash with the command below and add the user to serve.users in the config, then restart serve:",
		"login.token":      "Until then the console accepts only the API's bearer token (Authorization: Bearer <token>).",
		"error.token":      "Unknown bearer token",
		"error.login":      "Log in first",
		"error.origin":     "Refused: the request did not come from a page of this console",
		"error.csrf":       "Refused: the form is stale or forged (reload the page and try again)",
		"error.internal":   "Internal error (see serve's log)",
		"error.notfound":   "Not found",
		"error.badrequest": "Bad request",
	})
	addTexts("ru", map[string]string{
		"nav.overview":     "Обзор",
		"nav.findings":     "Находки",
		"nav.inventory":    "Инвентарь",
		"nav.entitlements": "Полномочия",
		"nav.lang":         "English",
		"nav.logout":       "Выйти",
		"login.title":      "Вход",
		"login.user":       "Пользователь",
		"login.password":   "Пароль",
		"login.submit":     "Войти",
		"login.failed":     "Неизвестный пользователь или неверный пароль.",
		"login.nousers":    "Пользователи консоли не настроены. Получите хеш пароля командой ниже, добавьте пользователя в serve.users в конфигурации и перезапустите serve:",
		"login.token":      "До тех пор консоль принимает только токен API (Authorization: Bearer <токен>).",
		"error.token":      "Неизвестный токен",
		"error.login":      "Сначала войдите",
		"error.origin":     "Отказано: запрос пришёл не со страницы этой консоли",
		"error.csrf":       "Отказано: форма устарела или подделана (обновите страницу и повторите)",
		"error.internal":   "Внутренняя ошибка (см. журнал serve)",
		"error.notfound":   "Не найдено",
		"error.badrequest": "Неверный запрос",
	})
}
