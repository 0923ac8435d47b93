# The consultation widget's texts in Russian, translated from en.ftl.
#
# Same message ids and variables as en.ftl, in the same order; counts use
# this language's CLDR plural categories. `cargo test -p gdc-i18n` checks
# both. Key terms and open questions for reviewers: docs/glossary.md.

## The consultation and the form

# The consultation's name: the iframe's title and the embed page's title.
consultation-name = Консультации по Глобальному цифровому договору
form-title = Поделитесь своим мнением о нашем цифровом будущем
# "Step 2 of 5" above the form.
progress = Шаг { $n } из { $total }
progress-label = Ход заполнения
step-topics = Темы
step-answers = Ваши ответы
step-about = О вас
step-privacy = Конфиденциальность
step-review = Проверка и отправка
next = Далее
back = Назад
# A button on the review step that goes back to one step: "Edit: About you".
edit-step = Изменить: { $step }
start-over = Начать заново
# The label of the menu that changes the form's language.
language = Язык

## Step 1: topics (the thematic areas of the Global Digital Compact)

topics-legend = По каким направлениям вы хотите высказаться? Выберите одно или несколько.
topic-connectivity = Подключение всех людей к Интернету, включая все школы
topic-connectivity-description = Недорогое и полноценное подключение к Интернету для каждого человека, каждой школы и каждого сообщества, а также навыки, необходимые для пользования им.
topic-fragmentation = Предотвращение фрагментации Интернета
topic-fragmentation-description = Сохранение единого, открытого, глобального и функционально совместимого Интернета вместо сетей, разделенных технологиями, политикой или границами.
topic-data = Защита данных
topic-data-description = Как осуществляются сбор, использование, обмен и защита персональных и неперсональных данных внутри стран и при их трансграничной передаче.
topic-human-rights = Применение прав человека в онлайновой среде
topic-human-rights-description = Те же права, которыми люди обладают в офлайновой среде, должны защищаться и в онлайновой: неприкосновенность частной жизни, свобода выражения мнений, недискриминация.
topic-accountability = Ответственность за дискриминацию и вводящий в заблуждение контент
topic-accountability-description = Ответственность за вредный, дискриминационный и вводящий в заблуждение контент при одновременной защите свободы выражения мнений.
topic-ai = Регулирование искусственного интеллекта
topic-ai-description = Как и кем должно осуществляться управление искусственным интеллектом и другими новыми технологиями.
topic-commons = Цифровые общие ресурсы как глобальное общественное благо
topic-commons-description = Открытые данные, программное обеспечение с открытым исходным кодом, открытые стандарты и общая цифровая общественная инфраструктура, доступные для всех.
topic-other = Другие направления
topic-other-description = Любое другое направление, которое, по вашему мнению, должен охватывать Глобальный цифровой договор.

## Step 2: answers (the three questions asked for every topic)

answers-hint = Отвечать на каждый вопрос необязательно, но просим дать хотя бы один ответ по каждой теме.
question-principles = Основные принципы
question-principles-hint = Каких основных принципов должны придерживаться все правительства, компании, гражданское общество и другие заинтересованные стороны?
question-commitments = Ключевые обязательства
question-commitments-hint = Какие ключевые обязательства, обещания или меры должны взять на себя конкретные заинтересованные стороны?
question-comments = Прочие замечания
question-comments-hint = Все, что вы хотели бы добавить.
# Under each answer, counting down as the visitor types.
characters-left = { $left ->
    [one] Остался { $left } символ
    [few] Осталось { $left } символа
    [many] Осталось { $left } символов
   *[other] Осталось { $left } символа
}

## Step 3: about you

field-kind = Вы представляете материалы
kind-individual = в личном качестве
kind-organization = от имени группы или организации
kind-consultation = по итогам организованной вами консультации
field-stakeholder = Категория заинтересованной стороны
field-stakeholder-optional = Категория (необязательно)
stakeholder-government = Правительство
stakeholder-un-system = Система Организации Объединенных Наций или другая международная организация
stakeholder-private-sector = Частный сектор
stakeholder-civil-society = Гражданское общество
stakeholder-academia = Научные круги
stakeholder-technical-community = Техническое сообщество
stakeholder-individual = Частное лицо
stakeholder-youth = Молодежь
field-country = Страна
field-country-optional = Страна (необязательно)
field-country-hint = Начните вводить название, затем выберите страну из списка.
field-name = Ваше имя (необязательно)
field-organization = Организация (необязательно)
field-email = Адрес электронной почты (необязательно)
field-event-title = Название консультации
field-event-date = Дата
field-event-participants = Число участников
# A reported consultation's size, shown on the review step.
participants = { $count ->
    [one] { $count } участник
    [few] { $count } участника
    [many] { $count } участников
   *[other] { $count } участника
}
choose = Выберите…

## Step 4: privacy and consent

privacy-intro = Вы сами решаете, как будут использоваться ваши материалы. Без вашего согласия ничего никому не передается.
field-publish = Опубликовать мои материалы на веб-сайте консультаций
field-publish-anonymous = Опубликовать мой ответ анонимно
field-publish-hint = Если вы не отметите этот пункт, ваши материалы прочитают только организаторы.
field-attribution = Форма публикации
attribution-anonymous = анонимно
attribution-name = с указанием моего имени
attribution-organization = с указанием названия моей организации
field-contact = Организаторы могут писать мне на указанный мною адрес электронной почты

## Step 5: review and send

review-intro = Пожалуйста, проверьте свои материалы перед отправкой.
review-none = (не указано)
yes = Да
no = Нет
submit = Отправить мои материалы
sending = Отправка…
saved = Ваш черновик сохранен на этом устройстве.
errors-summary = Пожалуйста, исправьте выделенные поля.
error-required = Пожалуйста, заполните это поле.
error-too-long = Текст слишком длинный.
error-invalid-format = Значение не соответствует ожидаемому формату.
error-unknown-value = Пожалуйста, выберите один из вариантов.
error-out-of-range = Число выходит за допустимые пределы.
error-not-allowed = Здесь это значение недопустимо.
error-duplicate = Это значение встречается более одного раза.

## After sending

receipt-title = Спасибо: ваши материалы получены.
# Followed by the contribution's reference code.
receipt-reference = Ваш регистрационный номер
receipt-next = Организаторы консультаций ознакомятся с ними вместе со всеми остальными материалами.
receipt-published = Если вы согласились на публикацию, ваши материалы появятся на сайте, когда организаторы опубликуют поступившие материалы.
queued = Сейчас нет подключения к сети: ваши материалы сохранены на этом устройстве и будут отправлены, как только подключение восстановится. Эту страницу можно закрыть; материалы будут отправлены, когда вы откроете ее в следующий раз.
send-again = Ваши материалы еще не отправлены: сервер консультаций сейчас не смог их принять. Все, что вы написали, сохранено; нажмите «Отправить мои материалы» ещё раз через несколько секунд.
refused-title = Не удалось отправить ваши материалы.
refused-too-large = Их объем превышает допустимый для сервера консультаций. Попробуйте сократить ответы и отправить материалы снова.
refused-not-allowed = Этому веб-сайту не разрешено (или больше не разрешено) отправлять материалы для этих консультаций. Вашей ошибки здесь нет; владелец сайта может это исправить.
refused-unreadable = Серверу консультаций не удалось прочитать данные, отправленные этой страницей. Вашей ошибки здесь нет; владелец сайта может это исправить.
refused-other = Сервер консультаций в настоящее время не принимает материалы с этой страницы. Вашей ошибки здесь нет.
refused-keep = Ничего из написанного вами не потеряно: текст по-прежнему сохранен на этом устройстве и показан ниже, чтобы вы могли скопировать его и сохранить в другом месте. Вы можете повторить попытку позже.
refused-text = Ваши материалы
refused-try-again = Повторить попытку

## What others said (the published contributions)

others-title = Что сказали другие
field-topic = Тема
others-loading = Загрузка…
others-unavailable = Сейчас опубликованные материалы не могут быть показаны.
others-empty = По этой теме пока не опубликовано ни одного материала. Организаторы публикуют материалы, авторы которых дали на это согласие, после ознакомления с ними.
# How many contributions on the chosen topic are shown.
others-count = { $count ->
    [one] { $count } опубликованный материал
    [few] { $count } опубликованных материала
    [many] { $count } опубликованных материалов
   *[other] { $count } опубликованного материала
}
others-anonymous = Анонимный автор
# Who wrote a published contribution, and from where.
others-credit = — { $who }, { $place }
others-credit-no-place = — { $who }
# When it was published; { $date } is already in the visitor's format.
others-date = Опубликовано { $date }

## The embed page when the widget cannot be shown (seen by webmasters)

embed-unavailable-title = Виджет консультаций недоступен
embed-unavailable-heading = Этот виджет консультаций не настроен для данного сайта
embed-unavailable-help = Организаторы консультаций должны зарегистрировать ключ сайта и источник этой страницы (протокол, домен и порт) на сопутствующем сервере.
embed-reason-malformed = Адрес этого фрейма имеет неверный формат.
embed-reason-unknown-site = Этот ключ сайта не зарегистрирован.
embed-reason-disabled = Этот сайт отключен.

## The configurator (`/` of every companion): webmasters' page, never
## downloaded by visitors (the build leaves `cfg-` ids out of the widget's texts).

cfg-title = Конфигуратор виджета консультаций
cfg-intro = Выберите, что будет показано на вашей странице: виджет рядом обновляется по мере выбора, а код для вставки приведен ниже.
cfg-ui-language = Язык этой страницы
cfg-site = Ваш сайт
cfg-site-key = Ключ сайта
cfg-page = Адрес страницы, на которую вы вставите код
cfg-site-empty = Введите ключ сайта, полученный от организаторов консультаций. До тех пор в окне предварительного просмотра показан демонстрационный сайт.
cfg-site-unknown = Этот ключ сайта не зарегистрирован на данном сервере. Проверьте правильность его написания или запросите ключ у организаторов консультаций.
cfg-site-unreachable = Сейчас не удалось связаться с сервером. Приведенный ниже код заработает, как только ключ будет указан правильно.
cfg-site-ok = Этот ключ сайта зарегистрирован.
cfg-site-ok-origin = Этот ключ сайта зарегистрирован, и страница с этим адресом может показывать виджет.
cfg-problem-disabled = Этот сайт отключен: виджет не принимает материалы, пока организаторы снова его не включат.
cfg-problem-not-an-address = Это не веб-адрес: укажите его полностью, например https://www.example.org/consultation.
cfg-problem-origin-not-registered = Страница с этим адресом не может показывать виджет: этого адреса нет среди зарегистрированных адресов сайта ({ $origins }). Попросите организаторов консультаций добавить его.
cfg-form = Форма
cfg-variant-full = Консультации целиком, шаг за шагом
cfg-variant-compact = Один вопрос по одной теме, для статьи
cfg-question = Задаваемый вопрос
cfg-topics = Показываемые темы (если ни одна не выбрана — все темы, по которым ваш сайт собирает материалы)
cfg-look = Внешний вид
cfg-theme = Тема оформления
cfg-theme-auto = Учитывать выбранный посетителем светлый или темный режим
cfg-theme-light = Светлая
cfg-theme-dark = Темная
cfg-theme-high-contrast = Высококонтрастная
cfg-preset = Взять за основу готовый стиль
cfg-preset-none = Без готового стиля: цвета темы оформления
cfg-preset-un = Голубой цвет Организации Объединенных Наций
cfg-preset-forest = Лес
cfg-preset-ink = Черные чернила, прямые углы
cfg-preset-dusk = Сумерки, для темных страниц
cfg-accent = Акцентный цвет
cfg-bg = Цвет фона
cfg-text = Цвет текста
cfg-border = Цвет рамки
cfg-pick = Выбор цвета
cfg-radius = Радиус скругления углов (например, 6px)
cfg-space = Интервалы (например, 1em)
cfg-font = Шрифт
cfg-font-default = Собственный шрифт виджета
cfg-font-inherit = Шрифт моей страницы
cfg-font-custom = Указанное мной семейство шрифтов
cfg-font-family = Семейство шрифтов (с резервным шрифтом, например Georgia, serif)
cfg-behaviour = Язык и загрузка
cfg-lang = Язык виджета
cfg-lang-page = Язык моей страницы, а если он не указан — язык посетителя
cfg-mode-iframe = Во фрейме (рекомендуется)
cfg-mode-inline = Непосредственно на моей странице (политика безопасности моей страницы должна разрешать WebAssembly)
cfg-lazy = Загружать виджет, только когда он приближается к видимой области экрана
cfg-preview = Предварительный просмотр
cfg-code = Код для вставки
cfg-code-intro = Вставьте один из этих фрагментов кода туда, где должен появиться виджет. Адрес этой страницы сохраняет выбранные вами настройки: им можно поделиться с коллегой.
cfg-code-script = Тег script
cfg-code-script-hint = Самый простой вариант: виджет появляется там, где находится тег.
cfg-code-element = Элемент
cfg-code-element-hint = Для страниц и одностраничных приложений, в которых предпочтительнее использовать элемент; скрипт может находиться в любом месте страницы, но только один раз.
cfg-code-pinned = Тег script с закрепленным хешем целостности
cfg-code-pinned-hint = Для сайтов, которые требуют проверки целостности подресурсов (SRI). Хеш соответствует текущей версии загрузчика: обновляйте его при каждом выпуске новой версии виджета.
cfg-code-csp = Строки, необходимые для вашей политики Content-Security-Policy
cfg-code-csp-hint = Добавьте эти источники в политику вашей страницы, если она задана.
cfg-copy = Копировать
cfg-copied = Скопировано.
cfg-copy-failed = Копирование здесь запрещено: выделите код и скопируйте его вручную.
