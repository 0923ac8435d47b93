# The consultation widget's texts in Chinese (Simplified), translated from en.ftl.
#
# Same message ids and variables as en.ftl, in the same order; counts use
# this language's CLDR plural categories. `cargo test -p gdc-i18n` checks
# both. Key terms and open questions for reviewers: docs/glossary.md.

## The consultation and the form

# The consultation's name: the iframe's title and the embed page's title.
consultation-name = 全球数字契约磋商
form-title = 分享您对我们数字未来的看法
# "Step 2 of 5" above the form.
progress = 第{ $n }步，共{ $total }步
progress-label = 进度
step-topics = 主题
step-answers = 您的回答
step-about = 关于您
step-privacy = 您的隐私
step-review = 检查并发送
next = 下一步
back = 上一步
# A button on the review step that goes back to one step: "Edit: About you".
edit-step = 修改：{ $step }
start-over = 重新开始
# The label of the menu that changes the form's language.
language = 语言

## Step 1: topics (the thematic areas of the Global Digital Compact)

topics-legend = 您希望就哪些领域发表意见？请选择一个或多个。
topic-connectivity = 让所有人都连上互联网，包括所有学校
topic-connectivity-description = 让每个人、每所学校和每个社区都能以可负担的价格获得有意义的互联网接入，并具备使用互联网的技能。
topic-fragmentation = 避免互联网碎片化
topic-fragmentation-description = 维护一个开放、全球性和可互操作的互联网，而不是因技术、政策或国界而分裂的多个网络。
topic-data = 保护数据
topic-data-description = 个人数据和非个人数据在境内和跨境如何收集、使用、共享和保护。
topic-human-rights = 在网上适用人权
topic-human-rights-description = 人们在线下享有的权利在网上同样受到保护：隐私权、言论自由、不歧视。
topic-accountability = 对歧视和误导性内容问责
topic-accountability-description = 在保护言论自由的同时，追究有害、歧视性和误导性内容的责任。
topic-ai = 人工智能监管
topic-ai-description = 人工智能和其他新兴技术应如何治理，以及应由谁来治理。
topic-commons = 数字公域作为全球公益物
topic-commons-description = 面向所有人的开放数据、开源软件、开放标准和共享的数字公共基础设施。
topic-other = 其他领域
topic-other-description = 您认为全球数字契约应涵盖的任何其他领域。

## Step 2: answers (the three questions asked for every topic)

answers-hint = 各项回答均为选填，但请为每个主题至少填写一项。
question-principles = 核心原则
question-principles-hint = 所有政府、企业、民间社会和其他利益攸关方应遵守哪些核心原则？
question-commitments = 关键承诺
question-commitments-hint = 具体的利益攸关方应作出哪些关键承诺和保证，或采取哪些关键行动？
question-comments = 其他意见
question-comments-hint = 您希望补充的任何其他内容。
# Under each answer, counting down as the visitor types.
characters-left = { $left ->
   *[other] 还可输入{ $left }个字符
}

## Step 3: about you

field-kind = 您提交的是
kind-individual = 个人意见
kind-organization = 代表团体或组织的意见
kind-consultation = 您所组织的磋商的成果
field-stakeholder = 您的身份
field-stakeholder-optional = 类别（选填）
stakeholder-government = 政府
stakeholder-un-system = 联合国系统或其他国际组织
stakeholder-private-sector = 私营部门
stakeholder-civil-society = 民间社会
stakeholder-academia = 学术界
stakeholder-technical-community = 技术界
stakeholder-individual = 个人
stakeholder-youth = 青年
field-country = 国家
field-country-optional = 国家（选填）
field-country-hint = 输入文字进行筛选，然后从列表中选择。
field-name = 您的姓名（选填）
field-organization = 组织（选填）
field-email = 电子邮件（选填）
field-event-title = 磋商名称
field-event-date = 日期
field-event-participants = 参与人数
# A reported consultation's size, shown on the review step.
participants = { $count ->
   *[other] { $count }名参与者
}
choose = 请选择……

## Step 4: privacy and consent

privacy-intro = 您的意见如何使用由您决定。未经您同意，任何内容都不会被分享。
field-publish = 在磋商网站上发布我的意见
field-publish-anonymous = 匿名发布我的回答
field-publish-hint = 如果您不勾选此项，则只有组织者会阅读您的意见。
field-attribution = 发布时的署名方式
attribution-anonymous = 匿名
attribution-name = 署我的姓名
attribution-organization = 署我所在组织的名称
field-contact = 组织者可以通过我提供的电子邮件地址与我联系

## Step 5: review and send

review-intro = 发送前请检查您的意见。
review-none = （未填写）
yes = 是
no = 否
submit = 发送我的意见
sending = 正在发送……
saved = 您的草稿已保存在此设备上。
errors-summary = 请更正突出显示的字段。
error-required = 请填写此项。
error-too-long = 内容过长。
error-invalid-format = 格式不符合要求。
error-unknown-value = 请从选项中选择一项。
error-out-of-range = 此数字超出允许范围。
error-not-allowed = 此处不允许填写该内容。
error-duplicate = 此内容重复出现。

## After sending

receipt-title = 谢谢！我们已收到您的意见。
# Followed by the contribution's reference code.
receipt-reference = 您的参考编号
receipt-next = 磋商组织者将阅读您的意见以及所有其他意见。
receipt-published = 如果您选择了发布，您的意见将在组织者发布意见时显示。
queued = 当前没有网络连接：您的意见已保存在此设备上，连接恢复后将立即发送。您可以关闭此页面；下次打开此页面时，意见将会发送。
send-again = 您的意见尚未发送：磋商服务器暂时无法接收。您填写的内容都没有丢失；请稍后再次点击“发送我的意见”。
refused-title = 您的意见无法发送。
refused-too-large = 您的意见超出了磋商服务器可接受的长度。缩短回答后重新发送或许可以解决问题。
refused-not-allowed = 此网站未获准或不再获准向本次磋商发送意见。这不是您的过错；网站所有者可以解决此问题。
refused-unreadable = 磋商服务器无法读取此页面发送的内容。这不是您的过错；网站所有者可以解决此问题。
refused-other = 磋商服务器目前不接受来自此页面的意见。这不是您的过错。
refused-keep = 您填写的内容都没有丢失：它们仍保存在此设备上，并显示在下方，以便您复制并另行保存。您可以稍后再试。
refused-text = 您的意见
refused-try-again = 重试

## What others said (the published contributions)

others-title = 他人的意见
field-topic = 主题
others-loading = 正在加载……
others-unavailable = 目前无法显示已发布的意见。
others-empty = 此主题下尚未发布任何意见。组织者会在阅读后，发布作者同意公开的意见。
# How many contributions on the chosen topic are shown.
others-count = { $count ->
   *[other] 已发布{ $count }条意见
}
others-anonymous = 匿名
# Who wrote a published contribution, and from where.
others-credit = ——{ $who }，{ $place }
others-credit-no-place = ——{ $who }
# When it was published; { $date } is already in the visitor's format.
others-date = 发布于{ $date }

## The embed page when the widget cannot be shown (seen by webmasters)

embed-unavailable-title = 磋商组件不可用
embed-unavailable-heading = 此磋商组件尚未针对本网站进行设置
embed-unavailable-help = 磋商组织者必须在配套服务器上登记站点密钥和此页面的来源（协议、域名和端口）。
embed-reason-malformed = 此框架的地址格式不正确。
embed-reason-unknown-site = 此站点密钥未登记。
embed-reason-disabled = 此站点已停用。

## The configurator (`/` of every companion): webmasters' page, never
## downloaded by visitors (the build leaves `cfg-` ids out of the widget's texts).

cfg-title = 磋商组件配置工具
cfg-intro = 选择您的页面要显示的内容：旁边的组件会随您的选择实时更新，要粘贴的代码在下方。
cfg-ui-language = 本页面的语言
cfg-site = 您的网站
cfg-site-key = 站点密钥
cfg-page = 您要粘贴代码的页面的地址
cfg-site-empty = 请输入磋商组织者提供给您的站点密钥。在此之前，预览显示的是演示站点。
cfg-site-unknown = 此站点密钥未在本服务器上登记。请检查拼写是否正确，或向磋商组织者申请站点密钥。
cfg-site-unreachable = 暂时无法查询服务器。密钥正确后，下方的代码即可使用。
cfg-site-ok = 此站点密钥已登记。
cfg-site-ok-origin = 此站点密钥已登记，此地址的页面可以显示组件。
cfg-problem-disabled = 此站点已停用：在组织者重新启用之前，组件不接收任何意见。
cfg-problem-not-an-address = 这不是网址：请填写完整网址，例如https://www.example.org/consultation。
cfg-problem-origin-not-registered = 此地址的页面不能显示组件：该地址不在本站点已登记的地址（{ $origins }）之列。请联系磋商组织者添加该地址。
cfg-form = 表单
cfg-variant-full = 完整磋商，分步填写
cfg-variant-compact = 就一个主题提一个问题，适用于文章页面
cfg-question = 所提问题
cfg-topics = 显示的主题（如不选择，则显示您的站点收集的所有主题）
cfg-look = 外观
cfg-theme = 配色主题
cfg-theme-auto = 跟随访客的浅色或深色模式设置
cfg-theme-light = 浅色
cfg-theme-dark = 深色
cfg-theme-high-contrast = 高对比度
cfg-preset = 从预设样式开始
cfg-preset-none = 不使用预设：采用配色主题的颜色
cfg-preset-un = 联合国蓝
cfg-preset-forest = 森林
cfg-preset-ink = 黑色墨水，直角
cfg-preset-dusk = 暮色，适用于深色页面
cfg-accent = 强调色
cfg-bg = 背景色
cfg-text = 文字颜色
cfg-border = 边框颜色
cfg-pick = 取色器
cfg-radius = 圆角半径（如6px）
cfg-space = 间距（如1em）
cfg-font = 字体
cfg-font-default = 组件自带的字体
cfg-font-inherit = 沿用我的页面的字体
cfg-font-custom = 我指定的字体系列
cfg-font-family = 字体系列（请附备用字体，如Georgia, serif）
cfg-behaviour = 语言和加载
cfg-lang = 组件的语言
cfg-lang-page = 我的页面的语言；如未设置，则使用访客的语言
cfg-mode-iframe = 置于内嵌框架（iframe）中（推荐）
cfg-mode-inline = 直接嵌入我的页面（我的页面的安全策略须允许WebAssembly）
cfg-lazy = 仅在组件接近屏幕可见区域时加载
cfg-preview = 预览
cfg-code = 要粘贴的代码
cfg-code-intro = 将以下任一段代码粘贴到组件应显示的位置。本页面的地址保存了您的选择：可将其分享给同事。
cfg-code-script = script标签
cfg-code-script-hint = 最简单的方式：组件显示在该标签所在的位置。
cfg-code-element = HTML元素
cfg-code-element-hint = 适用于更倾向于使用元素的页面和单页应用；脚本可放在页面的任何位置，但只需放置一次。
cfg-code-pinned = 带完整性哈希值（integrity）的script标签
cfg-code-pinned-hint = 适用于要求子资源完整性（Subresource Integrity）校验的网站。哈希值对应当前版本的加载器：组件每次发布新版本时，请随之更新。
cfg-code-csp = 您的内容安全策略（Content-Security-Policy）需要添加的行
cfg-code-csp-hint = 如果您的页面设有安全策略，请将这些来源添加到其中。
cfg-copy = 复制
cfg-copied = 已复制。
cfg-copy-failed = 此处不允许复制：请选中代码后手动复制。
