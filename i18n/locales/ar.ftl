# The consultation widget's texts in Arabic, translated from en.ftl.
#
# Same message ids and variables as en.ftl, in the same order; counts use
# this language's CLDR plural categories. `cargo test -p gdc-i18n` checks
# both. Key terms and open questions for reviewers: docs/glossary.md.

## The consultation and the form

# The consultation's name: the iframe's title and the embed page's title.
consultation-name = المشاورة بشأن الميثاق الرقمي العالمي
form-title = أبدِ رأيك في مستقبلنا الرقمي
# "Step 2 of 5" above the form.
progress = الخطوة { $n } من { $total }
progress-label = التقدم
step-topics = المواضيع
step-answers = إجاباتك
step-about = معلومات عنك
step-privacy = خصوصيتك
step-review = المراجعة والإرسال
next = التالي
back = السابق
# A button on the review step that goes back to one step: "Edit: About you".
edit-step = تعديل: { $step }
start-over = البدء من جديد
# The label of the menu that changes the form's language.
language = اللغة

## Step 1: topics (the thematic areas of the Global Digital Compact)

topics-legend = ما المجالات التي تودّ التعليق عليها؟ اختر مجالًا واحدًا أو أكثر.
topic-connectivity = ربط جميع الناس بالإنترنت، بما في ذلك جميع المدارس
topic-connectivity-description = اتصال مجدٍ وميسور التكلفة بالإنترنت لكل فرد ولكل مدرسة ولكل مجتمع محلي، مع المهارات اللازمة لاستخدامه.
topic-fragmentation = تجنّب تجزّؤ الإنترنت
topic-fragmentation-description = الحفاظ على شبكة إنترنت واحدة مفتوحة وعالمية وقابلة للتشغيل البيني، بدلًا من شبكات مجزأة بحسب التكنولوجيا أو السياسات أو الحدود.
topic-data = حماية البيانات
topic-data-description = كيفية جمع البيانات الشخصية وغير الشخصية واستخدامها وتقاسمها وحمايتها، داخل الحدود وعبرها.
topic-human-rights = تطبيق حقوق الإنسان على الإنترنت
topic-human-rights-description = الحقوق نفسها التي يتمتع بها الناس خارج الإنترنت، مكفولةً على الإنترنت أيضًا: الخصوصية، وحرية التعبير، وعدم التمييز.
topic-accountability = المساءلة عن التمييز والمحتوى المضلِّل
topic-accountability-description = المسؤولية عن المحتوى الضار والتمييزي والمضلِّل، مع حماية حرية التعبير.
topic-ai = تنظيم الذكاء الاصطناعي
topic-ai-description = كيف ينبغي أن يُحكَم الذكاء الاصطناعي وغيره من التكنولوجيات الناشئة، ومَن ينبغي أن يتولى ذلك.
topic-commons = المشاعات الرقمية بوصفها منفعة عامة عالمية
topic-commons-description = البيانات المفتوحة، والبرمجيات المفتوحة المصدر، والمعايير المفتوحة، والبنية التحتية الرقمية العامة المشتركة، لفائدة الجميع.
topic-other = مجالات أخرى
topic-other-description = أي مجال آخر ترى أن الميثاق الرقمي العالمي ينبغي أن يشمله.

## Step 2: answers (the three questions asked for every topic)

answers-hint = كل إجابة اختيارية، ولكن يُرجى كتابة إجابة واحدة على الأقل لكل موضوع.
question-principles = المبادئ الأساسية
question-principles-hint = ما المبادئ الأساسية التي ينبغي أن تلتزم بها جميع الحكومات والشركات والمجتمع المدني وسائر أصحاب المصلحة؟
question-commitments = الالتزامات الرئيسية
question-commitments-hint = ما الالتزامات أو التعهدات أو الإجراءات الرئيسية التي ينبغي أن يتخذها أصحاب مصلحة محددون؟
question-comments = تعليقات أخرى
question-comments-hint = أي شيء آخر تودّ إضافته.
# Under each answer, counting down as the visitor types.
characters-left = { $left ->
    [zero] لم يتبقَّ أي حرف
    [one] يتبقى حرف واحد
    [two] يتبقى حرفان
    [few] يتبقى { $left } أحرف
    [many] يتبقى { $left } حرفًا
   *[other] يتبقى { $left } حرف
}

## Step 3: about you

field-kind = تقدّم مساهمتك
kind-individual = بصفتك الفردية
kind-organization = نيابةً عن مجموعة أو منظمة
kind-consultation = بوصفها نتائج مشاورة نظّمتها
field-stakeholder = الفئة التي تنتمي إليها
field-stakeholder-optional = الفئة (اختياري)
stakeholder-government = الحكومة
stakeholder-un-system = منظومة الأمم المتحدة أو منظمة دولية أخرى
stakeholder-private-sector = القطاع الخاص
stakeholder-civil-society = المجتمع المدني
stakeholder-academia = الأوساط الأكاديمية
stakeholder-technical-community = الأوساط التقنية
stakeholder-individual = فرد
stakeholder-youth = الشباب
field-country = البلد
field-country-optional = البلد (اختياري)
field-country-hint = اكتب لتصفية القائمة، ثم اختر منها.
field-name = اسمك (اختياري)
field-organization = المنظمة (اختياري)
field-email = البريد الإلكتروني (اختياري)
field-event-title = عنوان المشاورة
field-event-date = التاريخ
field-event-participants = عدد المشاركين
# A reported consultation's size, shown on the review step.
participants = { $count ->
    [zero] لا يوجد مشاركون
    [one] مشارك واحد
    [two] مشاركان
    [few] { $count } مشاركين
    [many] { $count } مشاركًا
   *[other] { $count } مشارك
}
choose = اختر…

## Step 4: privacy and consent

privacy-intro = أنت من يقرر كيفية استخدام مساهمتك. لن تُشارَك أي معلومات ما لم توافق على ذلك.
field-publish = انشر مساهمتي على الموقع الشبكي للمشاورة
field-publish-anonymous = انشر إجابتي دون الكشف عن هويتي
field-publish-hint = إذا تركت هذا الخيار دون تحديد، فلن يطّلع عليها سوى المنظمين.
field-attribution = عند النشر، تُعرض مساهمتي
attribution-anonymous = دون ذكر الهوية
attribution-name = مع اسمي
attribution-organization = مع اسم منظمتي
field-contact = يجوز للمنظمين مراسلتي على عنوان البريد الإلكتروني الذي قدّمته

## Step 5: review and send

review-intro = يُرجى مراجعة مساهمتك قبل إرسالها.
review-none = (غير محدد)
yes = نعم
no = لا
submit = أرسل مساهمتي
sending = جارٍ الإرسال…
saved = حُفظت مسودتك على هذا الجهاز.
errors-summary = يُرجى تصحيح الحقول المميَّزة.
error-required = يُرجى ملء هذا الحقل.
error-too-long = هذا النص أطول من المسموح به.
error-invalid-format = هذه القيمة ليست بالصيغة المتوقعة.
error-unknown-value = يُرجى اختيار أحد الخيارات.
error-out-of-range = هذا الرقم خارج النطاق المسموح به.
error-not-allowed = هذه القيمة غير مسموح بها هنا.
error-duplicate = هذه القيمة مكررة.

## After sending

receipt-title = شكرًا لك: لقد وصلت مساهمتك.
# Followed by the contribution's reference code.
receipt-reference = الرقم المرجعي لمساهمتك
receipt-next = سيطّلع عليها منظمو المشاورة مع سائر المساهمات.
receipt-published = إذا اخترت نشرها، فستظهر عندما ينشر المنظمون المساهمات.
queued = لا يوجد اتصال حاليًا: حُفظت مساهمتك على هذا الجهاز وستُرسَل فور عودة الاتصال. يمكنك إغلاق هذه الصفحة؛ وستُرسَل في المرة التالية التي تفتحها فيها.
send-again = لم تُرسَل مساهمتك بعد: تعذّر على خادم المشاورة استلامها في الوقت الحالي. لم يضِع شيء مما كتبته؛ يُرجى الضغط على «أرسل مساهمتي» مرة أخرى بعد قليل.
refused-title = تعذّر إرسال مساهمتك.
refused-too-large = مساهمتك أطول مما يقبله خادم المشاورة. قد يفيد تقصير إجاباتك ثم إعادة إرسالها.
refused-not-allowed = هذا الموقع الشبكي غير مأذون له، أو لم يعد مأذونًا له، بإرسال مساهمات إلى هذه المشاورة. لم ترتكب أي خطأ؛ ويمكن لمالك الموقع إصلاح ذلك.
refused-unreadable = تعذّر على خادم المشاورة قراءة ما أرسلته هذه الصفحة. لم ترتكب أي خطأ؛ ويمكن لمالك الموقع إصلاح ذلك.
refused-other = لا يقبل خادم المشاورة مساهمات من هذه الصفحة في الوقت الحالي. لم ترتكب أي خطأ.
refused-keep = لم يضِع شيء مما كتبته: فهو لا يزال محفوظًا على هذا الجهاز، ومعروضًا أدناه لكي تتمكن من نسخه والاحتفاظ به في مكان آخر. يمكنك المحاولة مرة أخرى لاحقًا.
refused-text = مساهمتك
refused-try-again = حاول مرة أخرى

## What others said (the published contributions)

others-title = ما قاله الآخرون
field-topic = الموضوع
others-loading = جارٍ التحميل…
others-unavailable = يتعذّر عرض المساهمات المنشورة حاليًا.
others-empty = لم تُنشر بعد أي مساهمة بشأن هذا الموضوع. ينشر المنظمون، بعد قراءتها، المساهمات التي وافق أصحابها على نشرها.
# How many contributions on the chosen topic are shown.
others-count = { $count ->
    [zero] لا توجد مساهمات منشورة
    [one] مساهمة منشورة واحدة
    [two] مساهمتان منشورتان
    [few] { $count } مساهمات منشورة
    [many] { $count } مساهمة منشورة
   *[other] { $count } مساهمة منشورة
}
others-anonymous = مجهول الهوية
# Who wrote a published contribution, and from where.
others-credit = — { $who }، { $place }
others-credit-no-place = — { $who }
# When it was published; { $date } is already in the visitor's format.
others-date = نُشرت في { $date }

## The embed page when the widget cannot be shown (seen by webmasters)

embed-unavailable-title = أداة المشاورة غير متاحة
embed-unavailable-heading = أداة المشاورة هذه غير مهيأة لهذا الموقع
embed-unavailable-help = يجب على منظمي المشاورة تسجيل مفتاح الموقع ومصدر هذه الصفحة (البروتوكول والنطاق والمنفذ) على الخادم المصاحب.
embed-reason-malformed = عنوان هذا الإطار غير سليم الصياغة.
embed-reason-unknown-site = مفتاح الموقع هذا غير مسجَّل.
embed-reason-disabled = هذا الموقع معطَّل.

## The configurator (`/` of every companion): webmasters' page, never
## downloaded by visitors (the build leaves `cfg-` ids out of the widget's texts).

cfg-title = تهيئة أداة المشاورة
cfg-intro = اختر ما تعرضه صفحتك: تتحدّث أداة المشاورة المجاورة أولًا بأول مع كل اختيار، وتجد أدناه الشفرة المراد لصقها.
cfg-ui-language = لغة هذه الصفحة
cfg-site = موقعك
cfg-site-key = مفتاح الموقع
cfg-page = عنوان الصفحة التي ستلصق فيها الشفرة
cfg-site-empty = أدخل مفتاح الموقع الذي زوّدك به منظمو المشاورة. وإلى أن تفعل ذلك، تعرض المعاينة الموقع التجريبي.
cfg-site-unknown = مفتاح الموقع هذا غير مسجَّل على هذا الخادم. تحقّق من كتابته، أو اطلب مفتاحًا من منظمي المشاورة.
cfg-site-unreachable = تعذّر الاستعلام من الخادم في الوقت الحالي. ستعمل الشفرة أدناه متى كان المفتاح صحيحًا.
cfg-site-ok = مفتاح الموقع هذا مسجَّل.
cfg-site-ok-origin = مفتاح الموقع هذا مسجَّل، ويمكن لصفحة بهذا العنوان عرض أداة المشاورة.
cfg-problem-disabled = هذا الموقع معطَّل: لا تقبل أداة المشاورة أي مساهمات إلى أن يعيد المنظمون تفعيله.
cfg-problem-not-an-address = هذا ليس عنوانًا شبكيًا: اكتبه كاملًا، مثل https://www.example.org/consultation.
cfg-problem-origin-not-registered = لا يمكن لصفحة بهذا العنوان عرض أداة المشاورة: فهذا العنوان ليس من بين العناوين المسجَّلة للموقع ({ $origins }). اطلب من منظمي المشاورة إضافته.
cfg-form = الاستمارة
cfg-variant-full = المشاورة كاملةً، خطوة بخطوة
cfg-variant-compact = سؤال واحد بشأن موضوع واحد، لإدراجه في مقال
cfg-question = السؤال المطروح
cfg-topics = المواضيع المعروضة (إذا لم تختر أيًا منها: جميع المواضيع التي يجمعها موقعك)
cfg-look = المظهر
cfg-theme = السمة
cfg-theme-auto = اتّباع إعداد الوضع الفاتح أو الداكن لدى الزائر
cfg-theme-light = فاتحة
cfg-theme-dark = داكنة
cfg-theme-high-contrast = عالية التباين
cfg-preset = البدء من نمط جاهز
cfg-preset-none = بلا نمط جاهز: ألوان السمة
cfg-preset-un = أزرق الأمم المتحدة
cfg-preset-forest = غابة
cfg-preset-ink = حبر أسود، زوايا قائمة
cfg-preset-dusk = غسق، للصفحات الداكنة
cfg-accent = لون التمييز
cfg-bg = لون الخلفية
cfg-text = لون النص
cfg-border = لون الحدود
cfg-pick = منتقي الألوان
cfg-radius = نصف قطر الزوايا (مثل 6px)
cfg-space = التباعد (مثل 1em)
cfg-font = الخط
cfg-font-default = الخط الخاص بأداة المشاورة
cfg-font-inherit = اعتماد خط صفحتي
cfg-font-custom = عائلة خطوط أحددها
cfg-font-family = عائلة الخطوط (مع خط بديل، مثل Georgia, serif)
cfg-behaviour = اللغة والتحميل
cfg-lang = لغة أداة المشاورة
cfg-lang-page = لغة صفحتي، وإلا فلغة الزائر
cfg-mode-iframe = داخل إطار مضمَّن (iframe)، وهو الخيار الموصى به
cfg-mode-inline = مدمجة مباشرةً في صفحتي (يجب أن تسمح سياسة الأمان في صفحتي بتقنية WebAssembly)
cfg-lazy = عدم تحميلها إلا عند اقترابها من الجزء الظاهر من الشاشة
cfg-preview = معاينة
cfg-code = الشفرة المراد لصقها
cfg-code-intro = الصق إحدى هذه الشفرات حيث ينبغي أن تظهر أداة المشاورة. يحتفظ عنوان هذه الصفحة بخياراتك: يمكنك مشاركته مع أحد زملائك.
cfg-code-script = وسم script
cfg-code-script-hint = الطريقة الأبسط: تظهر أداة المشاورة في موضع الوسم.
cfg-code-element = عنصر HTML
cfg-code-element-hint = للصفحات وتطبيقات الصفحة الواحدة التي تفضّل استخدام عنصر؛ ويمكن وضع البرنامج النصي (script) في أي مكان من الصفحة، مرة واحدة فقط.
cfg-code-pinned = وسم script مثبَّت بقيمة التحقق من السلامة (integrity)
cfg-code-pinned-hint = للمواقع التي تشترط التحقق من سلامة الموارد الفرعية (Subresource Integrity). قيمة التجزئة (hash) خاصة بالمُحمِّل الحالي: حدِّثها مع كل إصدار جديد من أداة المشاورة.
cfg-code-csp = الأسطر التي تحتاجها سياسة أمان المحتوى (Content-Security-Policy) في صفحتك
cfg-code-csp-hint = أضف هذه المصادر إلى سياسة صفحتك، إن وُجدت.
cfg-copy = نسخ
cfg-copied = نُسخت الشفرة.
cfg-copy-failed = النسخ غير مسموح به هنا: حدّد الشفرة وانسخها بنفسك.
