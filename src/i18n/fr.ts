// Français, dans les termes de la documentation Microsoft : restaurer / restauration (rollback), empreinte
// numérique, transcription, serveur frontal, nœud. Les lettres des touches ne se traduisent pas ; Entrée, Échap,
// PgPréc et PgSuiv sont les noms des touches d'un clavier français. Les espaces avant « : ; ? ! » sont insécables
// (ajoutées par `espacesFrancaises`), pour qu'un retour à la ligne ne les sépare pas du mot.
import type {Catalog} from './en.ts';
import type {ProcedureCatalog} from './procedures.ts';

/** Espace insécable avant : ; ? ! et à l'intérieur des guillemets. */
function espacesFrancaises<T extends Readonly<Record<string, string>>>(texts: T): T {
  const fix = (text: string) =>
    text
      .replace(/(?<=[\p{L}\p{N})}»\]]) ([:;?!])(?=\s|$)/gu, '\u00A0$1')
      .replace(/« /g, '«\u00A0')
      .replace(/ »/g, '\u00A0»');
  return Object.fromEntries(Object.entries(texts).map(([key, text]) => [key, fix(text)])) as T;
}

function procedures(texts: ProcedureCatalog): ProcedureCatalog {
  return Object.fromEntries(Object.entries(texts).map(([id, text]) => [id, espacesFrancaises({...text})])) as unknown as ProcedureCatalog;
}

export const fr: Catalog = espacesFrancaises<Catalog>({
  'phase.idle': 'NON DÉMARRÉE',
  'phase.running': 'EN COURS',
  'phase.paused': 'SUSPENDUE',
  'phase.failed': 'ÉCHEC',
  'phase.rolling-back': 'RESTAURATION',
  'phase.rolled-back': 'RESTAURÉE',
  'phase.completed': 'TERMINÉE',
  'phase.aborted': 'ABANDONNÉE',
  'state.idle': 'non démarrée',
  'state.running': 'en cours',
  'state.paused': 'suspendue',
  'state.failed': 'en échec',
  'state.rolling-back': 'restauration en cours',
  'state.rolled-back': 'restaurée',
  'state.completed': 'terminée',
  'state.aborted': 'abandonnée',
  'state.unfinished': 'inachevée',
  'stepPhase.capture': 'lecture',
  'stepPhase.do': 'exécution',
  'stepPhase.verify': 'vérification',

  'home.title': 'certwalk · rotation des certificats, étape par étape, avec restauration',
  'home.target': 'cible : {target}',
  'home.choose': 'Choisissez une procédure :',
  'home.footer': '↑↓/jk déplacer · Entrée choisir{transcripts} · ? aide · q quitter',
  'home.footer.transcripts': ' · t sessions passées',

  'app.reading': 'Lecture des valeurs par défaut sur les nœuds : {title}…',
  'app.locking': 'Verrouillage des nœuds (un seul certwalk à la fois par nœud)…',
  'app.nothingChanged': "Rien n'a été modifié : {error}",

  'params.title': '{title} · paramètres',
  'params.intro': 'Valeurs par défaut lues sur les nœuds. Rien ne change avant de lancer le plan.',
  'params.empty': '(vide)',
  'params.continue': 'Continuer vers le plan →',
  'params.continue.help': 'Vérifier chaque valeur sur les nœuds et afficher le plan',
  'params.checking': 'Vérification des paramètres sur les nœuds…',
  'params.typeValue': 'Saisir une valeur…',
  'params.footer': '↑↓ déplacer · Entrée modifier/continuer · Échap retour · ? aide',
  'params.footer.editing': 'Entrée valider · Échap annuler',

  'plan.title': '{title} · plan : {count} étapes{lines}',
  'plan.lines': ' · lignes {from} à {to} sur {total}',
  'plan.asksFirst': '[avec confirmation]',
  'plan.legend': "$ commande exacte · ~ modification faite sur place par certwalk · [avec confirmation] = vous confirmez avant l'exécution",
  'plan.footer': 's/Entrée lancer · ↑↓ PgPréc/PgSuiv défiler · Échap retour · ? aide',

  'run.title': 'certwalk · {title}',
  'run.phase': '{phase} {done}/{total}',
  'status.reading': 'lecture {time}',
  'status.confirm': 'confirmer ?',
  'status.running': 'en cours {time}',
  'status.checking': 'vérification {time}',
  'status.failed': 'ÉCHEC ({phase})',
  'status.interrupted': 'INTERROMPUE',
  'status.skipped': 'ignorée',
  'status.undoing': 'annulation {time}',
  'status.undone': 'annulée',
  'status.undoFailed': 'ANNULATION EN ÉCHEC',
  'status.stopped': 'arrêté',
  'run.above': '{arrow}{count} au-dessus',
  'run.below': '{arrow}{count} en dessous',
  'run.nodePosition': 'nœud {index}/{total}',
  'run.nodeHeading': '{node} : {done}/{total} étapes terminées · Échap retour à la liste des nœuds',
  'run.noSuchNode': '{node} : nœud introuvable · Échap retour à la liste des nœuds',
  'run.undoError': 'annulation : {error}',

  'lanes.nodes': '{count} nœuds :',
  'lanes.failed': '{icon} {count} en échec',
  'lanes.running': '{icon} {count} en cours',
  'lanes.done': '{icon} {count} terminés',
  'lanes.waiting': '{icon} {count} en attente',
  'lanes.undone': '{icon} {count} annulés',
  'lanes.failedNames': '{separator} en échec : {names}',

  'changes.node': 'nœud',
  'changes.what': 'élément',
  'changes.before': 'avant',
  'changes.after': 'après',
  'changes.noValue': '(aucun)',
  'changes.none': "aucune modification pour l'instant",
  'changes.earlier': '{ellipsis} {count} modification(s) antérieure(s) dans la transcription',
  'readBack.line': '{icon} relu [{node}] {checks}{more}',
  'readBack.expected': '{what} {observed} = attendu',
  'readBack.unexpected': '{what} {observed} (attendu : {expected})',
  'readBack.more': ' · {count} autres vérifications OK',
  'output.title': 'Sortie',
  'output.command': 'Sortie · [{node}] {command}',

  'confirm.title': 'Confirmer [{node}] : {title}',
  'confirm.commands': 'Exécutera :',
  'confirm.removes': 'Supprime :',
  'confirm.references': 'Y font encore référence :',
  'confirm.warnings': 'Avertissements :',
  'confirm.restore': 'Conservé pour la restauration :',
  'confirm.answer': "y oui · n/Échap non (par défaut : rien n'est exécuté)",
  'confirm.answerKind': 'y oui · n/Échap non (par défaut) · a oui pour celle-ci et {count} du même type',
  'modal.more': '↑↓ défiler : {count} ligne(s) de plus dans ce cadre',

  'rollback.title': 'Restaurer : annuler les modifications, de la plus récente à la plus ancienne',
  'rollback.nothing': "rien n'a encore changé : la restauration termine simplement la procédure",
  'rollback.item': '{n}. annuler [{node}] {title}',
  'rollback.note': "Chaque annulation relit d'abord le nœud et n'utilise que ce qui a été capturé avant l'étape.",
  'rollback.answer': 'y lancer la restauration · n/Échap annuler',
  'nodeRollback.title': 'Restaurer {node} seulement : les autres nœuds gardent leurs modifications',
  'nodeRollback.noNode': '(aucun nœud sélectionné)',
  'nodeRollback.nothing': 'rien à annuler sur ce nœud',
  'nodeRollback.note': 'Ensuite, le nœud redevient « non démarré » : p le relance, r restaure tout.',
  'nodeRollback.answer': 'y restaurer ce nœud · n/Échap annuler',
  'nodeRollback.close': 'n/Échap fermer',

  'failure.title': '{icon} ÉCHEC ({phase}) · [{node}] {title}',
  'failure.interrupted': "{icon} INTERROMPUE ({phase}, certwalk s'est arrêté) · [{node}] {title}",
  'failure.check': '{icon} {what} : attendu {expected}, constaté {observed}',
  'failure.others': '{count} autre(s) étape(s) en échec (g : la liste des nœuds donne les raisons)',
  'failure.waits': "Rien ne s'exécute après cette étape tant que vous n'avez pas choisi.",
  'failure.retry': 'e réessayer',
  'failure.resume': "e reprendre (relecture d'abord)",
  'failure.skip': 's ignorer',
  'failure.rollback': 'r restaurer',
  'failure.nodeOnly': 'x ce nœud seulement',
  'failure.quit': 'q quitter en laissant tel quel',

  'footer.hint': '({hint})',
  'footer.nodes.back': 'Échap liste des nœuds',
  'footer.nodes.home': 'Entrée accueil · ↑↓ nœud',
  'footer.nodes.move': '↑↓/Entrée nœud',
  'footer.nodes.running': '{move} · g étapes · p pause · r restaurer · ? aide',
  'footer.nodes.paused': '{move} · g étapes · p reprendre · restaurer : x nœud, r tout',
  'footer.nodes.failed': '{move} · g étapes · e réessayer · restaurer : x nœud, r tout',
  'footer.nodes.completed': '{move} · g étapes · restaurer : x nœud, r tout · ? aide',
  'footer.quit': 'Quitter en laissant tel quel ? y quitter · n rester (le journal sait restaurer)',
  'footer.confirm': 'répondez ci-dessus · ↑↓ défiler · r restaurer · t transcription · ? aide',
  'footer.running': 'p pause · r restaurer · t transcription · ↑↓ défiler · ? aide · q quitter',
  'footer.paused': 'SUSPENDUE · p reprendre · r restaurer · t transcription · q quitter',
  'footer.failed': 'e réessayer · r restaurer · t transcription · q quitter',
  'footer.failedSkip': 'e réessayer · s ignorer · r restaurer · t transcription · q quitter',
  'footer.rollingBack': 'restauration en cours… t transcription · ? aide',
  'footer.completed': 'Entrée accueil · r restaurer · t transcription · q quitter',
  'footer.ended': 'Entrée accueil · t transcription · q quitter',

  'hint.enterDoesNotConfirm': 'Entrée seule ne confirme pas : y pour exécuter cette étape, n pour arrêter',
  'hint.alreadyRolledBack': 'déjà restauré',
  'hint.stepRunning': 'une étape est en cours : p pour suspendre après elle, ou attendez, puis q',
  'hint.oneNode': 'un seul nœud à la fois ici : la liste des étapes montre tout',
  'hint.noNode': 'aucun nœud à restaurer seul ici : g affiche la liste des nœuds',
  'hint.stopFirst': "un nœud se restaure seul une fois la procédure arrêtée : p pour suspendre d'abord",

  'done.completed': '{icon} Terminé : les {count} étapes ont été exécutées et relues',
  'done.undoFailures': "{icon} Restauré avec {count} échec(s) d'annulation : à vérifier à la main",
  'done.rolledBack': "{icon} Restauré : {count} étape(s) annulée(s), la plus récente d'abord, chacune relue avant et après",
  'done.leftAsIs': 'Laissé tel quel : restaurez plus tard avec `certwalk rollback --journal FICHIER --yes`',
  'done.transcript': "Transcription (ce qui s'est exécuté, qui a confirmé, chaque commande et sa sortie) :",
  'done.journal': 'Journal (pour `certwalk rollback --journal FICHIER --yes`) :',

  'recovery.title': 'certwalk · sessions inachevées sur ce parc',
  'recovery.intro': "certwalk s'est arrêté avant la fin de ces procédures. Rien ne s'exécute avant votre choix.",
  'recovery.started': 'démarrée le {time} par {user} sur {machine}',
  'recovery.progress': '{done}/{total} étapes terminées · {state}',
  'recovery.crashed': 'arrêtée sans avoir été fermée',
  'recovery.ended': 'arrêtée : {state}',
  'recovery.inUse': 'encore ouverte par le processus {pid} sur cet ordinateur : fermez-la là-bas',
  'recovery.uncertain': 'incertain : {what}',
  'recovery.failed': 'échec : [{node}] {title} : {error}',
  'recovery.canResume': 'peut être reprise ou restaurée ({count} étape(s) à annuler) · journal {journal}',
  'recovery.rollbackOnly': "une restauration avait commencé : elle ne peut qu'être restaurée ({count} étape(s) à annuler) · journal {journal}",
  'recovery.footer': '↑↓ choisir · Entrée ouvrir (e reprendre, r restaurer) · Échap plus tard',

  'help.title': 'Touches de certwalk',
  'help.intro': 'Lettres, flèches, Entrée et Échap : tout passe par une console RDP.',
  'help.destructive': 'Étape destructrice : toujours une question, Non par défaut, Entrée ignorée.',
  'help.close': 'Échap / ? / q fermer cette aide',
  'keyName.Enter': 'Entrée',
  'keyName.Esc': 'Échap',
  'keyName.PgUp': 'PgPréc',
  'keyName.PgDn': 'PgSuiv',
  'key.up': 'monter / faire défiler vers le haut',
  'key.down': 'descendre / faire défiler vers le bas',
  'key.page-up': "remonter d'une page",
  'key.page-down': "descendre d'une page",
  'key.select': 'choisir, modifier, continuer ; voir un nœud',
  'key.back': 'retour / fermer',
  'key.start': 'lancer la procédure',
  'key.confirm': "oui : exécuter l'étape destructrice",
  'key.confirm-kind': 'oui, pour celle-ci et les suivantes du même type',
  'key.decline': "non (par défaut) : pause, rien n'est exécuté",
  'key.pause': "suspendre après l'étape en cours / reprendre",
  'key.rollback': "restaurer : annuler les étapes faites, récentes d'abord",
  'key.nodes': 'liste des nœuds (échecs en tête) ou des étapes',
  'key.rollback-node': 'restaurer ce nœud seulement (pas les autres)',
  'key.retry': "réessayer l'étape (avec sa première capture)",
  'key.skip': "ignorer l'étape en échec, si c'est sans risque",
  'key.transcript': 'transcription ; sessions passées (accueil)',
  'key.help': 'cette aide',
  'key.quit': "quitter (demande si la procédure n'est pas finie)",
  'where.everywhere': 'partout',
  'where.scrolling': 'plan, exécution, transcription',
  'where.menus': 'menus, liste des nœuds',
  'where.plan': 'plan',
  'where.confirmation': 'confirmation',
  'where.run': 'exécution',
  'where.manyNodes': 'plusieurs nœuds',
  'where.stopped': 'exécution arrêtée',
  'where.failure': 'après un échec',
  'where.transcript': 'accueil, exécution, fin',

  'transcript.title': 'transcription {path}',
  'transcript.footer': 'lignes {from} à {to} sur {total} · {search}/ rechercher · ↑↓ PgPréc/PgSuiv · Échap fermer',
  'transcript.match': '« {query} » {position}/{count} · n N suivant/précédent · ',
  'transcript.noMatch': '« {query} » : aucun résultat · ',
  'transcript.typing': 'Entrée rechercher · Échap annuler',
  'sessions.title': 'sessions passées dans {dir}',
  'sessions.started': 'début (UTC)',
  'sessions.procedure': 'procédure',
  'sessions.user': 'utilisateur',
  'sessions.state': 'état final',
  'sessions.continued': ' (suite)',
  'sessions.none': "aucune session pour l'instant : chaque exécution de procédure écrit ici sa transcription",
  'sessions.footer.one': '{count} session · ↑↓ déplacer · Entrée ouvrir · Échap fermer',
  'sessions.footer.other': '{count} sessions · ↑↓ déplacer · Entrée ouvrir · Échap fermer',
});

export const frProcedures: ProcedureCatalog = procedures({
  'ssis-master': {
    title: 'SSIS Scale Out : changer le certificat du Master',
    summary:
      'Certificat nouveau ou existant pour le point de terminaison du Master : liaison http.sys (même appid), MasterSettings.config, service Master, puis chaque Worker.',
  },
  'ssis-worker': {
    title: "SSIS Scale Out : changer le certificat d'un Worker",
    summary:
      "Nouveau certificat pour un ou plusieurs Workers à la fois : magasins My et Root, ancien certificat supprimé par empreinte numérique (conservé pour la restauration), accès du compte de service à la clé, WorkerSettings.config, approbation par le Master, service Worker.",
  },
  'azureml-ssl': {
    title: 'Cluster Azure ML : SSL pour le scoring en temps réel',
    summary:
      "Un CNAME avec un certificat PEM et une clé sans mot de passe, SSL sur un nouveau cluster (az ml env create) ou un cluster existant (Set-AzureRmMlOpCluster), l'enregistrement DNS vers le front-end, l'URL de scoring relue.",
  },
  'lync-check': {
    title: 'Lync Server 2013 : vérifier le certificat OAuthTokenIssuer',
    summary: 'Get-CsCertificate -Type OAuthTokenIssuer sur chaque serveur frontal et état de la réplication du CMS ; ne modifie rien.',
  },
  'lync-import-pfx': {
    title: 'Lync Server 2013 : importer un PFX comme certificat OAuthTokenIssuer',
    summary:
      "Import-CsCertificate -Identity global -Type OAuthTokenIssuer sur un serveur frontal (mot de passe sans écho, sur l'entrée standard), puis suivi de la réplication par le CMS vers chaque serveur frontal.",
  },
  'lync-assign-default': {
    title: 'Lync Server 2013 : attribuer le certificat Default comme OAuthTokenIssuer',
    summary:
      "(Get-CsCertificate -Type Default).Thumbprint devient l'OAuthTokenIssuer global avec Set-CsCertificate ; l'outil vérifie ensuite que chaque serveur frontal le reçoit.",
  },
  'lync-roll': {
    title: 'Lync Server 2013 : basculer le certificat OAuthTokenIssuer à une date',
    summary:
      "Set-CsCertificate -Roll -EffectiveDate (date construite dans PowerShell à partir d'ISO 8601) : le nouveau certificat devient l'actuel à cette date, l'ancien devient le précédent ; chaque serveur frontal est suivi jusqu'à ce qu'il ait la modification.",
  },
  'lync-remove-previous': {
    title: "Lync Server 2013 : supprimer l'ancien certificat OAuthTokenIssuer expiré",
    summary: 'Remove-CsCertificate -Type OAuthTokenIssuer -Previous, une fois expiré le certificat remplacé lors du basculement.',
  },
  'lync-manual': {
    title: 'Lync Server 2013 : OAuthTokenIssuer à la main (MMC + Assistant Déploiement)',
    summary:
      "Une liste de contrôle guidée, serveur par serveur et sans PowerShell : exporter avec la clé privée, importer sur chaque autre serveur frontal, attribuer avec l'Assistant Déploiement ; chaque élément est coché et consigné.",
  },
});
