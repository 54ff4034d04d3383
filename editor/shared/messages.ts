/** Texts shared by every page (header, errors). */
import { messages } from './i18n.js';

export const t = messages({
  nl: {
    product: 'Samenspel',
    collaboration: 'Veiligheid Voorop!',
    'nav.editor': 'Processen',
    'nav.tasks': 'Taken',
    'nav.admin': 'Beheer',
    'user.signOut': 'Afmelden',
    'user.language': 'Taal',
    'role.process-owner': 'proceseigenaar',
    'role.administrator': 'beheerder',
    'role.case-worker': 'medewerker',
    'role.auditor': 'auditor',
    'error.network': 'De server is niet bereikbaar. Controleer de verbinding en probeer het opnieuw.',
    'error.forbidden': 'Dit mag u niet met uw rol.',
    'error.generic': 'Er ging iets mis: {message}',
    close: 'Sluiten',
  },
  en: {
    product: 'Samenspel',
    collaboration: 'Veiligheid Voorop!',
    'nav.editor': 'Processes',
    'nav.tasks': 'Tasks',
    'nav.admin': 'Administration',
    'user.signOut': 'Sign out',
    'user.language': 'Language',
    'role.process-owner': 'process owner',
    'role.administrator': 'administrator',
    'role.case-worker': 'case worker',
    'role.auditor': 'auditor',
    'error.network': 'The server cannot be reached. Check the connection and try again.',
    'error.forbidden': 'Your role does not allow this.',
    'error.generic': 'Something went wrong: {message}',
    close: 'Close',
  },
});
