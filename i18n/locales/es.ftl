# The consultation widget's texts in Spanish, translated from en.ftl.
#
# Same message ids and variables as en.ftl, in the same order; counts use
# this language's CLDR plural categories. `cargo test -p gdc-i18n` checks
# both. Key terms and open questions for reviewers: docs/glossary.md.

## The consultation and the form

# The consultation's name: the iframe's title and the embed page's title.
consultation-name = Consulta sobre el Pacto Digital Global
form-title = Comparta su opinión sobre nuestro futuro digital
# "Step 2 of 5" above the form.
progress = Paso { $n } de { $total }
progress-label = Progreso
step-topics = Temas
step-answers = Sus respuestas
step-about = Sobre usted
step-privacy = Su privacidad
step-review = Revisar y enviar
next = Siguiente
back = Atrás
# A button on the review step that goes back to one step: "Edit: About you".
edit-step = Modificar: { $step }
start-over = Empezar de nuevo
# The label of the menu that changes the form's language.
language = Idioma

## Step 1: topics (the thematic areas of the Global Digital Compact)

topics-legend = ¿Sobre qué ámbitos desea opinar? Elija uno o varios.
topic-connectivity = Conectar a todas las personas a Internet, incluidas todas las escuelas
topic-connectivity-description = Acceso asequible y significativo a Internet para cada persona, escuela y comunidad, y las competencias necesarias para utilizarlo.
topic-fragmentation = Evitar la fragmentación de Internet
topic-fragmentation-description = Mantener una Internet única, abierta, mundial e interoperable, en lugar de redes divididas por la tecnología, las políticas o las fronteras.
topic-data = Proteger los datos
topic-data-description = Cómo se recopilan, utilizan, comparten y protegen los datos personales y no personales, dentro de cada país y a través de las fronteras.
topic-human-rights = Aplicar los derechos humanos en línea
topic-human-rights-description = Los mismos derechos que las personas tienen fuera de línea, protegidos también en línea: privacidad, libertad de expresión, no discriminación.
topic-accountability = Rendición de cuentas por la discriminación y los contenidos engañosos
topic-accountability-description = Responsabilidad por los contenidos nocivos, discriminatorios y engañosos, protegiendo al mismo tiempo la libertad de expresión.
topic-ai = Regulación de la inteligencia artificial
topic-ai-description = Cómo deberían gobernarse la inteligencia artificial y otras tecnologías emergentes, y quién debería hacerlo.
topic-commons = Los bienes comunes digitales como bien público mundial
topic-commons-description = Datos abiertos, software de código abierto, normas abiertas e infraestructura pública digital compartida, al alcance de todas las personas.
topic-other = Otros ámbitos
topic-other-description = Cualquier otro ámbito que, en su opinión, debería abarcar el Pacto Digital Global.

## Step 2: answers (the three questions asked for every topic)

answers-hint = Todas las respuestas son opcionales, pero le rogamos que escriba al menos una para cada tema.
question-principles = Principios fundamentales
question-principles-hint = ¿Qué principios fundamentales deberían respetar todos los Gobiernos, las empresas, la sociedad civil y las demás partes interesadas?
question-commitments = Compromisos clave
question-commitments-hint = ¿Qué compromisos, promesas o medidas clave deberían asumir determinadas partes interesadas?
question-comments = Otras observaciones
question-comments-hint = Cualquier otra cosa que desee añadir.
# Under each answer, counting down as the visitor types.
characters-left = { $left ->
    [one] Queda { $left } carácter
   *[other] Quedan { $left } caracteres
}

## Step 3: about you

field-kind = Usted contribuye
kind-individual = a título individual
kind-organization = en nombre de un grupo u organización
kind-consultation = con los resultados de una consulta que usted organizó
field-stakeholder = Usted responde como
field-stakeholder-optional = Categoría (opcional)
stakeholder-government = Gobierno
stakeholder-un-system = Sistema de las Naciones Unidas u otra organización internacional
stakeholder-private-sector = Sector privado
stakeholder-civil-society = Sociedad civil
stakeholder-academia = Mundo académico
stakeholder-technical-community = Comunidad técnica
stakeholder-individual = Particular
stakeholder-youth = Jóvenes
field-country = País
field-country-optional = País (opcional)
field-country-hint = Escriba para filtrar y luego elija en la lista.
field-name = Su nombre (opcional)
field-organization = Organización (opcional)
field-email = Correo electrónico (opcional)
field-event-title = Título de la consulta
field-event-date = Fecha
field-event-participants = Número de participantes
# A reported consultation's size, shown on the review step.
participants = { $count ->
    [one] { $count } participante
   *[other] { $count } participantes
}
choose = Elija…

## Step 4: privacy and consent

privacy-intro = Usted decide cómo se utiliza su contribución. No se comparte nada sin su consentimiento.
field-publish = Publicar mi contribución en el sitio web de la consulta
field-publish-anonymous = Publicar mi respuesta de forma anónima
field-publish-hint = Si deja esta casilla sin marcar, solo la leerán los organizadores.
field-attribution = Al publicarla, mostrarla
attribution-anonymous = de forma anónima
attribution-name = con mi nombre
attribution-organization = con el nombre de mi organización
field-contact = Los organizadores pueden escribirme a la dirección de correo electrónico que he indicado

## Step 5: review and send

review-intro = Revise su contribución antes de enviarla.
review-none = (no indicado)
yes = Sí
no = No
submit = Enviar mi contribución
sending = Enviando…
saved = Su borrador se ha guardado en este dispositivo.
errors-summary = Corrija los campos resaltados.
error-required = Complete este campo.
error-too-long = El texto es demasiado largo.
error-invalid-format = El formato no es el esperado.
error-unknown-value = Elija una de las opciones.
error-out-of-range = Este número está fuera del intervalo permitido.
error-not-allowed = Este valor no está permitido aquí.
error-duplicate = Este valor aparece más de una vez.

## After sending

receipt-title = Gracias: hemos recibido su contribución.
# Followed by the contribution's reference code.
receipt-reference = Su número de referencia
receipt-next = Los organizadores de la consulta la leerán junto con todas las demás contribuciones.
receipt-published = Si eligió publicarla, aparecerá cuando los organizadores publiquen las contribuciones.
queued = No hay conexión en este momento: su contribución se ha guardado en este dispositivo y se enviará en cuanto se restablezca la conexión. Puede cerrar esta página; se enviará la próxima vez que la abra.
send-again = Su contribución aún no se ha enviado: el servidor de la consulta no ha podido recibirla en este momento. No se ha perdido nada de lo que escribió; vuelva a pulsar «Enviar mi contribución» dentro de un momento.
refused-title = No se pudo enviar su contribución.
refused-too-large = Su contribución supera la extensión que acepta el servidor de la consulta. Puede ser útil acortar sus respuestas y volver a enviarla.
refused-not-allowed = Este sitio web no está autorizado, o ya no lo está, para enviar contribuciones a esta consulta. Usted no ha hecho nada mal; el propietario del sitio puede solucionarlo.
refused-unreadable = El servidor de la consulta no pudo leer lo que envió esta página. Usted no ha hecho nada mal; el propietario del sitio puede solucionarlo.
refused-other = En este momento, el servidor de la consulta no acepta contribuciones desde esta página. Usted no ha hecho nada mal.
refused-keep = No se ha perdido nada de lo que escribió: sigue guardado en este dispositivo y se muestra a continuación para que pueda copiarlo y conservarlo en otro lugar. Puede volver a intentarlo más tarde.
refused-text = Su contribución
refused-try-again = Volver a intentarlo

## What others said (the published contributions)

others-title = Lo que dijeron otras personas
field-topic = Tema
others-loading = Cargando…
others-unavailable = En este momento no es posible mostrar las contribuciones publicadas.
others-empty = Todavía no se ha publicado ninguna contribución sobre este tema. Los organizadores publican, tras leerlas, las contribuciones cuyos autores lo han autorizado.
# How many contributions on the chosen topic are shown.
others-count = { $count ->
    [one] { $count } contribución publicada
   *[other] { $count } contribuciones publicadas
}
others-anonymous = Anónimo
# Who wrote a published contribution, and from where.
others-credit = —{ $who }, { $place }
others-credit-no-place = —{ $who }
# When it was published; { $date } is already in the visitor's format.
others-date = Publicada el { $date }

## The embed page when the widget cannot be shown (seen by webmasters)

embed-unavailable-title = Módulo de consulta no disponible
embed-unavailable-heading = Este módulo de consulta no está configurado para este sitio
embed-unavailable-help = Los organizadores de la consulta deben registrar la clave del sitio y el origen de esta página en el servidor asociado.
embed-reason-malformed = La dirección de este marco no tiene un formato válido.
embed-reason-unknown-site = Esta clave de sitio no está registrada.
embed-reason-disabled = Este sitio está desactivado.

## The configurator (`/` of every companion): webmasters' page, never
## downloaded by visitors (the build leaves `cfg-` ids out of the widget's texts).

cfg-title = Configurador del módulo de consulta
cfg-intro = Elija lo que mostrará su página: el módulo que aparece al lado se actualiza a medida que elige, y el código que debe pegar figura más abajo.
cfg-ui-language = Idioma de esta página
cfg-site = Su sitio
cfg-site-key = Clave del sitio
cfg-page = Dirección de la página en la que pegará el código
cfg-site-empty = Introduzca la clave del sitio que le facilitaron los organizadores de la consulta. Mientras tanto, la vista previa muestra el sitio de demostración.
cfg-site-unknown = Esta clave de sitio no está registrada en este servidor. Compruebe que esté bien escrita o solicite una a los organizadores de la consulta.
cfg-site-unreachable = En este momento no se ha podido consultar al servidor. El código que figura a continuación funcionará en cuanto la clave sea correcta.
cfg-site-ok = Esta clave de sitio está registrada.
cfg-site-ok-origin = Esta clave de sitio está registrada, y una página con esta dirección puede mostrar el módulo.
cfg-problem-disabled = Este sitio está desactivado: el módulo no acepta contribuciones hasta que los organizadores vuelvan a activarlo.
cfg-problem-not-an-address = Esto no es una dirección web: escríbala completa, por ejemplo, https://www.example.org/consultation.
cfg-problem-origin-not-registered = Una página con esta dirección no puede mostrar el módulo: la dirección no figura entre las registradas para el sitio ({ $origins }). Pida a los organizadores de la consulta que la añadan.
cfg-form = El formulario
cfg-variant-full = La consulta completa, paso a paso
cfg-variant-compact = Una sola pregunta sobre un solo tema, para un artículo
cfg-question = La pregunta que se formula
cfg-topics = Temas mostrados (si no elige ninguno: todos los temas que recoge su sitio)
cfg-look = Aspecto
cfg-theme = Tema visual
cfg-theme-auto = Seguir el modo claro u oscuro que utilice el visitante
cfg-theme-light = Claro
cfg-theme-dark = Oscuro
cfg-theme-high-contrast = Alto contraste
cfg-preset = Partir de un diseño predefinido
cfg-preset-none = Sin diseño predefinido: los colores del tema visual
cfg-preset-un = Azul de las Naciones Unidas
cfg-preset-forest = Bosque
cfg-preset-ink = Tinta negra, esquinas rectas
cfg-preset-dusk = Crepúsculo, para páginas oscuras
cfg-accent = Color de énfasis
cfg-bg = Color de fondo
cfg-text = Color del texto
cfg-border = Color del borde
cfg-pick = Selector de color
cfg-radius = Radio de las esquinas (por ejemplo, 6px)
cfg-space = Espaciado (por ejemplo, 1em)
cfg-font = Fuente
cfg-font-default = La fuente propia del módulo
cfg-font-inherit = Heredar la fuente de mi página
cfg-font-custom = Una familia de fuentes que yo indique
cfg-font-family = Familia de fuentes (con una alternativa, por ejemplo, Georgia, serif)
cfg-behaviour = Idioma y carga
cfg-lang = Idioma del módulo
cfg-lang-page = El idioma de mi página o, en su defecto, el del visitante
cfg-mode-iframe = En un marco (recomendado)
cfg-mode-inline = Integrado en mi página (la política de seguridad de mi página debe permitir WebAssembly)
cfg-lazy = Cargarlo solo cuando se acerque a la parte visible de la pantalla
cfg-preview = Vista previa
cfg-code = El código que debe pegar
cfg-code-intro = Pegue uno de estos códigos donde deba aparecer el módulo. La dirección de esta página conserva sus elecciones: puede compartirla con un colega.
cfg-code-script = Una etiqueta script
cfg-code-script-hint = La opción más sencilla: el módulo aparece donde se encuentra la etiqueta.
cfg-code-element = Un elemento
cfg-code-element-hint = Para páginas y aplicaciones de una sola página que prefieran un elemento; el script puede estar en cualquier lugar de la página, una sola vez.
cfg-code-pinned = Una etiqueta script fijada con su valor de integridad
cfg-code-pinned-hint = Para los sitios que exigen la integridad de subrecursos (SRI). El hash corresponde al cargador actual: actualícelo con cada nueva versión del módulo.
cfg-code-csp = Las líneas que necesita su política Content-Security-Policy
cfg-code-csp-hint = Añada estas fuentes a la política de su página, si la tiene.
cfg-copy = Copiar
cfg-copied = Copiado.
cfg-copy-failed = Aquí no se permite copiar: seleccione el código y cópielo.
