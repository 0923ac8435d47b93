# The consultation widget's texts in French, translated from en.ftl.
#
# Same message ids and variables as en.ftl, in the same order; counts use
# this language's CLDR plural categories. `cargo test -p gdc-i18n` checks
# both. Key terms and open questions for reviewers: docs/glossary.md.

## The consultation and the form

# The consultation's name: the iframe's title and the embed page's title.
consultation-name = Consultation sur le Pacte numérique mondial
form-title = Donnez votre avis sur notre avenir numérique
# "Step 2 of 5" above the form.
progress = Étape { $n } sur { $total }
progress-label = Progression
step-topics = Thèmes
step-answers = Vos réponses
step-about = À propos de vous
step-privacy = Confidentialité
step-review = Vérification et envoi
next = Suivant
back = Précédent
# A button on the review step that goes back to one step: "Edit: About you".
edit-step = Modifier : { $step }
start-over = Recommencer
# The label of the menu that changes the form's language.
language = Langue

## Step 1: topics (the thematic areas of the Global Digital Compact)

topics-legend = Sur quels domaines souhaitez-vous vous exprimer ? Choisissez-en un ou plusieurs.
topic-connectivity = Connecter toutes les personnes à Internet, y compris toutes les écoles
topic-connectivity-description = Un accès à Internet abordable et effectif pour chaque personne, chaque école et chaque communauté, ainsi que les compétences nécessaires pour l’utiliser.
topic-fragmentation = Éviter la fragmentation d’Internet
topic-fragmentation-description = Préserver un Internet unique, ouvert, mondial et interopérable, plutôt que des réseaux cloisonnés par la technologie, les politiques ou les frontières.
topic-data = Protéger les données
topic-data-description = La manière dont les données personnelles et non personnelles sont collectées, utilisées, partagées et protégées, à l’intérieur des frontières comme au-delà.
topic-human-rights = Appliquer les droits de l’homme en ligne
topic-human-rights-description = Les droits dont chacun jouit hors ligne doivent être protégés en ligne : vie privée, liberté d’expression, non-discrimination.
topic-accountability = Responsabilité en matière de discrimination et de contenus trompeurs
topic-accountability-description = La responsabilité à l’égard des contenus préjudiciables, discriminatoires et trompeurs, dans le respect de la liberté d’expression.
topic-ai = Réglementation de l’intelligence artificielle
topic-ai-description = Comment l’intelligence artificielle et les autres technologies émergentes devraient être gouvernées, et par qui.
topic-commons = Les biens communs numériques en tant que bien public mondial
topic-commons-description = Données ouvertes, logiciels libres, normes ouvertes et infrastructures publiques numériques partagées, au service de toutes et tous.
topic-other = Autres domaines
topic-other-description = Tout autre domaine que le Pacte numérique mondial devrait, selon vous, couvrir.

## Step 2: answers (the three questions asked for every topic)

answers-hint = Chaque réponse est facultative, mais veuillez en rédiger au moins une par thème.
question-principles = Principes fondamentaux
question-principles-hint = Quels principes fondamentaux tous les gouvernements, les entreprises, la société civile et les autres parties prenantes devraient-ils respecter ?
question-commitments = Engagements clés
question-commitments-hint = Quels engagements, promesses ou mesures clés certaines parties prenantes en particulier devraient-elles prendre ?
question-comments = Autres observations
question-comments-hint = Tout ce que vous souhaitez ajouter.
# Under each answer, counting down as the visitor types.
characters-left = { $left ->
    [one] { $left } caractère restant
   *[other] { $left } caractères restants
}

## Step 3: about you

field-kind = Vous contribuez
kind-individual = à titre individuel
kind-organization = au nom d’un groupe ou d’une organisation
kind-consultation = en transmettant les résultats d’une consultation que vous avez organisée
field-stakeholder = Vous répondez en tant que
field-stakeholder-optional = Catégorie (facultative)
stakeholder-government = Gouvernement
stakeholder-un-system = Système des Nations Unies ou autre organisation internationale
stakeholder-private-sector = Secteur privé
stakeholder-civil-society = Société civile
stakeholder-academia = Milieux universitaires
stakeholder-technical-community = Communauté technique
stakeholder-individual = Particulier
stakeholder-youth = Jeunes
field-country = Pays
field-country-optional = Pays (facultatif)
field-country-hint = Saisissez quelques lettres pour filtrer, puis choisissez dans la liste.
field-name = Votre nom (facultatif)
field-organization = Organisation (facultative)
field-email = Adresse électronique (facultative)
field-event-title = Intitulé de la consultation
field-event-date = Date de la consultation
field-event-participants = Nombre de participants
# A reported consultation's size, shown on the review step.
participants = { $count ->
    [one] { $count } personne
   *[other] { $count } personnes
}
choose = Choisissez…

## Step 4: privacy and consent

privacy-intro = Vous décidez de l’utilisation de votre contribution. Rien n’est communiqué sans votre accord.
field-publish = Publier ma contribution sur le site Web de la consultation
field-publish-anonymous = Publier ma réponse de manière anonyme
field-publish-hint = Si vous ne cochez pas cette case, seuls les organisateurs la liront.
field-attribution = En cas de publication, l’afficher
attribution-anonymous = de manière anonyme
attribution-name = avec mon nom
attribution-organization = avec le nom de mon organisation
field-contact = Les organisateurs peuvent m’écrire à l’adresse électronique que j’ai indiquée

## Step 5: review and send

review-intro = Veuillez vérifier votre contribution avant de l’envoyer.
review-none = (non renseigné)
yes = Oui
no = Non
submit = Envoyer ma contribution
sending = Envoi en cours…
saved = Votre brouillon est enregistré sur cet appareil.
errors-summary = Veuillez corriger les champs signalés.
error-required = Veuillez remplir ce champ.
error-too-long = Ce texte est trop long.
error-invalid-format = Ce format n’est pas celui attendu.
error-unknown-value = Veuillez choisir l’une des options proposées.
error-out-of-range = Ce nombre est en dehors des limites autorisées.
error-not-allowed = Cette valeur n’est pas autorisée ici.
error-duplicate = Cette valeur figure plusieurs fois.

## After sending

receipt-title = Merci : votre contribution nous est bien parvenue.
# Followed by the contribution's reference code.
receipt-reference = Votre numéro de référence
receipt-next = Elle sera lue par les organisateurs de la consultation, avec toutes les autres contributions.
receipt-published = Si vous avez choisi de la publier, elle apparaîtra lorsque les organisateurs publieront les contributions.
queued = Pas de connexion pour le moment : votre contribution est enregistrée sur cet appareil et sera envoyée dès le retour de la connexion. Vous pouvez fermer cette page ; elle sera envoyée la prochaine fois que vous l’ouvrirez.
send-again = Votre contribution n’a pas encore été envoyée : le serveur de la consultation n’a pas pu la recevoir pour le moment. Rien de ce que vous avez écrit n’est perdu ; veuillez appuyer de nouveau sur « Envoyer ma contribution » dans un instant.
refused-title = Votre contribution n’a pas pu être envoyée.
refused-too-large = Elle dépasse la taille acceptée par le serveur de la consultation. Raccourcir vos réponses puis l’envoyer de nouveau pourrait résoudre le problème.
refused-not-allowed = Ce site Web n’est pas, ou n’est plus, autorisé à envoyer des contributions à cette consultation. Vous n’avez commis aucune erreur ; le propriétaire du site peut corriger le problème.
refused-unreadable = Le serveur de la consultation n’a pas pu lire les données envoyées par cette page. Vous n’avez commis aucune erreur ; le propriétaire du site peut corriger le problème.
refused-other = Le serveur de la consultation n’accepte pas de contributions provenant de cette page pour le moment. Vous n’avez commis aucune erreur.
refused-keep = Rien de ce que vous avez écrit n’est perdu : votre texte reste enregistré sur cet appareil et s’affiche ci-dessous afin que vous puissiez le copier et le conserver ailleurs. Vous pourrez réessayer plus tard.
refused-text = Votre contribution
refused-try-again = Réessayer

## What others said (the published contributions)

others-title = Ce que d’autres ont dit
field-topic = Thème
others-loading = Chargement…
others-unavailable = Les contributions publiées ne peuvent pas être affichées pour le moment.
others-empty = Aucune contribution sur ce thème n’a encore été publiée. Les organisateurs publient, après les avoir lues, les contributions dont les auteurs ont donné leur accord.
# How many contributions on the chosen topic are shown.
others-count = { $count ->
    [one] { $count } contribution publiée
   *[other] { $count } contributions publiées
}
others-anonymous = Anonyme
# Who wrote a published contribution, and from where.
others-credit = — { $who }, { $place }
others-credit-no-place = — { $who }
# When it was published; { $date } is already in the visitor's format.
others-date = Publiée le { $date }

## The embed page when the widget cannot be shown (seen by webmasters)

embed-unavailable-title = Module de consultation indisponible
embed-unavailable-heading = Ce module de consultation n’est pas configuré pour ce site
embed-unavailable-help = Les organisateurs de la consultation doivent enregistrer la clé du site et l’origine de cette page sur le serveur associé.
embed-reason-malformed = L’adresse de ce cadre est mal formée.
embed-reason-unknown-site = Cette clé de site n’est pas enregistrée.
embed-reason-disabled = Ce site est désactivé.

## The configurator (`/` of every companion): webmasters' page, never
## downloaded by visitors (the build leaves `cfg-` ids out of the widget's texts).

cfg-title = Configurateur du module de consultation
cfg-intro = Choisissez ce qu’affiche votre page : le module ci-contre se met à jour au fil de vos choix, et le code à coller figure ci-dessous.
cfg-ui-language = Langue de cette page
cfg-site = Votre site
cfg-site-key = Clé du site
cfg-page = Adresse de la page dans laquelle vous collerez le code
cfg-site-empty = Saisissez la clé du site que vous ont communiquée les organisateurs de la consultation. D’ici là, l’aperçu affiche le site de démonstration.
cfg-site-unknown = Cette clé de site n’est pas enregistrée sur ce serveur. Vérifiez son orthographe ou demandez-en une aux organisateurs de la consultation.
cfg-site-unreachable = Le serveur n’a pas pu être interrogé pour le moment. Le code ci-dessous fonctionnera dès que la clé sera correcte.
cfg-site-ok = Cette clé de site est enregistrée.
cfg-site-ok-origin = Cette clé de site est enregistrée, et une page à cette adresse peut afficher le module.
cfg-problem-disabled = Ce site est désactivé : le module n’accepte aucune contribution tant que les organisateurs ne l’ont pas réactivé.
cfg-problem-not-an-address = Ceci n’est pas une adresse Web : saisissez-la en entier, par exemple https://www.example.org/consultation.
cfg-problem-origin-not-registered = Une page à cette adresse ne peut pas afficher le module : cette adresse ne figure pas parmi celles enregistrées pour le site ({ $origins }). Demandez aux organisateurs de la consultation de l’ajouter.
cfg-form = Le formulaire
cfg-variant-full = La consultation complète, étape par étape
cfg-variant-compact = Une seule question sur un seul thème, pour un article
cfg-question = La question posée
cfg-topics = Thèmes affichés (si aucun n’est choisi : tous les thèmes que recueille votre site)
cfg-look = Apparence
cfg-theme = Thème visuel
cfg-theme-auto = Suivre le mode clair ou sombre choisi par le visiteur
cfg-theme-light = Clair
cfg-theme-dark = Sombre
cfg-theme-high-contrast = Contraste élevé
cfg-preset = Partir d’un modèle prédéfini
cfg-preset-none = Aucun modèle : les couleurs du thème visuel
cfg-preset-un = Bleu des Nations Unies
cfg-preset-forest = Forêt
cfg-preset-ink = Encre noire, angles droits
cfg-preset-dusk = Crépuscule, pour les pages sombres
cfg-accent = Couleur d’accentuation
cfg-bg = Couleur d’arrière-plan
cfg-text = Couleur du texte
cfg-border = Couleur de la bordure
cfg-pick = Sélecteur de couleur
cfg-radius = Arrondi des angles (par exemple 6px)
cfg-space = Espacement (par exemple 1em)
cfg-font = Police
cfg-font-default = La police propre au module
cfg-font-inherit = Reprendre la police de ma page
cfg-font-custom = Une famille de polices de mon choix
cfg-font-family = Famille de polices (avec une police de secours, par exemple Georgia, serif)
cfg-behaviour = Langue et chargement
cfg-lang = Langue du module
cfg-lang-page = La langue de ma page, à défaut celle du visiteur
cfg-mode-iframe = Dans un cadre (recommandé)
cfg-mode-inline = Directement dans ma page (la politique de sécurité de ma page doit autoriser WebAssembly)
cfg-lazy = Ne le charger qu’à l’approche de la partie visible de l’écran
cfg-preview = Aperçu
cfg-code = Le code à coller
cfg-code-intro = Collez l’un de ces codes à l’endroit où le module doit apparaître. L’adresse de cette page conserve vos choix : vous pouvez la transmettre à un collègue.
cfg-code-script = Une balise script
cfg-code-script-hint = La solution la plus simple : le module apparaît à l’emplacement de la balise.
cfg-code-element = Un élément
cfg-code-element-hint = Pour les pages et les applications monopages qui privilégient un élément ; le script peut figurer n’importe où dans la page, une seule fois.
cfg-code-pinned = Une balise script verrouillée par son empreinte d’intégrité
cfg-code-pinned-hint = Pour les sites qui exigent l’intégrité des sous-ressources (SRI). L’empreinte est celle du chargeur actuel : mettez-la à jour à chaque nouvelle version du module.
cfg-code-csp = Les lignes requises par votre politique Content-Security-Policy
cfg-code-csp-hint = Ajoutez ces sources à la politique de votre page, si elle en a une.
cfg-copy = Copier
cfg-copied = Copié.
cfg-copy-failed = La copie n’est pas autorisée ici : sélectionnez le code et copiez-le.
