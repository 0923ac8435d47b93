# The consultation widget's texts in English, the source language.
#
# Every other file in this folder has exactly these message ids, with the
# same variables ({ $name }); `cargo test -p gdc-i18n` fails otherwise.
# A variable that is a count is formatted in the visitor's locale before it is
# put in, and a message may choose its words by the count's plural category
# (zero, one, two, few, many, other: the categories CLDR defines for the
# language); `*[other]` is always required. Key terms are in docs/glossary.md.

## The consultation and the form

# The consultation's name: the iframe's title and the embed page's title.
consultation-name = Global Digital Compact consultation
form-title = Share your view on our digital future
# "Step 2 of 5" above the form.
progress = Step { $n } of { $total }
progress-label = Progress
step-topics = Topics
step-answers = Your answers
step-about = About you
step-privacy = Your privacy
step-review = Review and send
next = Next
back = Back
# A button on the review step that goes back to one step: "Edit: About you".
edit-step = Edit: { $step }
start-over = Start over
# The label of the menu that changes the form's language.
language = Language

## Step 1: topics (the thematic areas of the Global Digital Compact)

topics-legend = Which areas do you want to comment on? Choose one or more.
topic-connectivity = Connect all people to the internet, including all schools
topic-connectivity-description = Affordable, meaningful access to the internet for every person, school and community, and the skills to use it.
topic-fragmentation = Avoid internet fragmentation
topic-fragmentation-description = Keeping one open, global and interoperable internet, rather than networks split by technology, policy or borders.
topic-data = Protect data
topic-data-description = How personal and non-personal data are collected, used, shared and protected, within and across borders.
topic-human-rights = Apply human rights online
topic-human-rights-description = The same rights people have offline, protected online: privacy, freedom of expression, non-discrimination.
topic-accountability = Accountability for discrimination and misleading content
topic-accountability-description = Responsibility for harmful, discriminatory and misleading content, while protecting freedom of expression.
topic-ai = Regulation of artificial intelligence
topic-ai-description = How artificial intelligence and other emerging technologies should be governed, and by whom.
topic-commons = Digital commons as a global public good
topic-commons-description = Open data, open source software, open standards and shared digital public infrastructure for everyone.
topic-other = Other areas
topic-other-description = Any other area you think the Global Digital Compact should cover.

## Step 2: answers (the three questions asked for every topic)

answers-hint = Each answer is optional, but please write at least one for each topic.
question-principles = Core principles
question-principles-hint = What core principles should all governments, companies, civil society and other stakeholders adhere to?
question-commitments = Key commitments
question-commitments-hint = What key commitments, pledges or actions should specific stakeholders take?
question-comments = Other comments
question-comments-hint = Anything else you would like to add.
# Under each answer, counting down as the visitor types.
characters-left = { $left ->
    [one] { $left } character left
   *[other] { $left } characters left
}

## Step 3: about you

field-kind = You are contributing
kind-individual = as an individual
kind-organization = on behalf of a group or organisation
kind-consultation = the outcome of a consultation you organised
field-stakeholder = You are answering as
field-stakeholder-optional = Group (optional)
stakeholder-government = Government
stakeholder-un-system = United Nations system or other international organization
stakeholder-private-sector = Private sector
stakeholder-civil-society = Civil society
stakeholder-academia = Academia
stakeholder-technical-community = Technical community
stakeholder-individual = Individual
stakeholder-youth = Youth
field-country = Country
field-country-optional = Country (optional)
field-country-hint = Type to filter, then choose from the list.
field-name = Your name (optional)
field-organization = Organisation (optional)
field-email = Email (optional)
field-event-title = Title of the consultation
field-event-date = Date
field-event-participants = Number of participants
# A reported consultation's size, shown on the review step.
participants = { $count ->
    [one] { $count } participant
   *[other] { $count } participants
}
choose = Choose…

## Step 4: privacy and consent

privacy-intro = You decide how your contribution is used. Nothing is shared unless you say so.
field-publish = Publish my contribution on the consultation's website
field-publish-anonymous = Publish my answer anonymously
field-publish-hint = If you leave this unticked, only the organisers read it.
field-attribution = When published, show it
attribution-anonymous = anonymously
attribution-name = with my name
attribution-organization = with my organisation's name
field-contact = The organisers may write to me at the email I gave

## Step 5: review and send

review-intro = Please check your contribution before sending it.
review-none = (none)
yes = Yes
no = No
submit = Send my contribution
sending = Sending…
saved = Your draft is saved on this device.
errors-summary = Please correct the highlighted fields.
error-required = Please fill this in.
error-too-long = This is too long.
error-invalid-format = This is not in the expected format.
error-unknown-value = Please choose one of the options.
error-out-of-range = This number is out of range.
error-not-allowed = This is not allowed here.
error-duplicate = This appears more than once.

## After sending

receipt-title = Thank you: your contribution has arrived.
# Followed by the contribution's reference code.
receipt-reference = Your reference
receipt-next = It will be read by the consultation's organisers together with every other contribution.
receipt-published = If you chose to publish it, it will appear once the organisers publish contributions.
queued = No connection right now: your contribution is saved on this device and will be sent as soon as the connection returns. You can close this page; it will be sent next time you open it.
send-again = Your contribution has not been sent yet: the consultation's server could not take it just now. Nothing you wrote is lost; please press “Send my contribution” again in a moment.
refused-title = Your contribution could not be sent.
refused-too-large = It is longer than the consultation's server accepts. Shortening your answers and sending again may help.
refused-not-allowed = This website is not, or no longer, allowed to send contributions to this consultation. You did nothing wrong; the website's owner can fix it.
refused-unreadable = The consultation's server could not read what this page sent. You did nothing wrong; the website's owner can fix it.
refused-other = The consultation's server does not take contributions from this page at the moment. You did nothing wrong.
refused-keep = Nothing you wrote is lost: it stays saved on this device, and it is shown below so that you can copy it and keep it elsewhere. You can try again later.
refused-text = Your contribution
refused-try-again = Try again

## What others said (the published contributions)

others-title = What others said
field-topic = Topic
others-loading = Loading…
others-unavailable = Published contributions cannot be shown right now.
others-empty = No contribution on this topic has been published yet. The organisers publish contributions whose authors agreed, after reading them.
# How many contributions on the chosen topic are shown.
others-count = { $count ->
    [one] { $count } published contribution
   *[other] { $count } published contributions
}
others-anonymous = Anonymous
# Who wrote a published contribution, and from where.
others-credit = — { $who }, { $place }
others-credit-no-place = — { $who }
# When it was published; { $date } is already in the visitor's format.
others-date = Published on { $date }

## The embed page when the widget cannot be shown (seen by webmasters)

embed-unavailable-title = Consultation widget unavailable
embed-unavailable-heading = This consultation widget is not set up for this site
embed-unavailable-help = The site key and this page's origin must be registered on the companion server by the consultation's organisers.
embed-reason-malformed = The address of this frame is malformed.
embed-reason-unknown-site = This site key is not registered.
embed-reason-disabled = This site is disabled.

## The configurator (`/` of every companion): webmasters' page, never
## downloaded by visitors (the build leaves `cfg-` ids out of the widget's texts).

cfg-title = Consultation widget configurator
cfg-intro = Choose what your page shows: the widget beside updates as you go, and the code to paste is below.
cfg-ui-language = Language of this page
cfg-site = Your site
cfg-site-key = Site key
cfg-page = Address of the page you will paste it into
cfg-site-empty = Enter the site key the consultation's organisers gave you. Until then the preview shows the demo site.
cfg-site-unknown = This site key is not registered on this server. Check its spelling, or ask the consultation's organisers for one.
cfg-site-unreachable = The server could not be asked just now. The code below works once the key is right.
cfg-site-ok = This site key is registered.
cfg-site-ok-origin = This site key is registered, and a page at this address may show the widget.
cfg-problem-disabled = This site is disabled: the widget takes no contributions until the organisers enable it again.
cfg-problem-not-an-address = This is not a web address: write it in full, such as https://www.example.org/consultation.
cfg-problem-origin-not-registered = A page at this address may not show the widget: it is not among the site's registered addresses ({ $origins }). Ask the consultation's organisers to add it.
cfg-form = The form
cfg-variant-full = The whole consultation, step by step
cfg-variant-compact = One question on one topic, for an article
cfg-question = The question it asks
cfg-topics = Topics shown (none chosen: every topic your site collects)
cfg-look = Look
cfg-theme = Theme
cfg-theme-auto = Follow the visitor's light or dark setting
cfg-theme-light = Light
cfg-theme-dark = Dark
cfg-theme-high-contrast = High contrast
cfg-preset = Start from a preset
cfg-preset-none = No preset: the theme's colours
cfg-preset-un = United Nations blue
cfg-preset-forest = Forest
cfg-preset-ink = Black ink, square corners
cfg-preset-dusk = Dusk, for dark pages
cfg-accent = Accent colour
cfg-bg = Background colour
cfg-text = Text colour
cfg-border = Border colour
cfg-pick = Colour picker
cfg-radius = Corner radius (such as 6px)
cfg-space = Spacing (such as 1em)
cfg-font = Font
cfg-font-default = The widget's own font
cfg-font-inherit = Inherit the font of my page
cfg-font-custom = A font family I name
cfg-font-family = Font family (with a fallback, such as Georgia, serif)
cfg-behaviour = Language and loading
cfg-lang = Language of the widget
cfg-lang-page = The language of my page, else the visitor's
cfg-mode-iframe = In a frame (recommended)
cfg-mode-inline = Inline in my page (my page's policy must allow WebAssembly)
cfg-lazy = Load it only when it comes near the screen
cfg-preview = Preview
cfg-code = The code to paste
cfg-code-intro = Paste one of these where the widget should appear. The address of this page keeps your choices: share it with a colleague.
cfg-code-script = A script tag
cfg-code-script-hint = The simplest: the widget appears where the tag stands.
cfg-code-element = An element
cfg-code-element-hint = For pages and single-page apps that prefer an element; the script may be anywhere on the page, once.
cfg-code-pinned = A script tag pinned with its integrity
cfg-code-pinned-hint = For sites that require subresource integrity. The hash is of today's loader: update it with each release of the widget.
cfg-code-csp = The lines your Content-Security-Policy needs
cfg-code-csp-hint = Add these sources to your page's policy, if it has one.
cfg-copy = Copy
cfg-copied = Copied.
cfg-copy-failed = Copying is not allowed here: select the code and copy it.
