// Icons of the message actions, mute/archive and search (same drawing style as icons.js).
import { icon } from './icons.js';

export const ReplyIcon = icon('M9 17l-5-5 5-5M4 12h11a5 5 0 0 1 5 5v2');
export const SmileIcon = icon('M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20zM8 14s1.5 2 4 2 4-2 4-2M9 9h.01M15 9h.01');
export const PencilIcon = icon('M17 3a2.83 2.83 0 1 1 4 4L7.5 20.5 2 22l1.5-5.5z');
export const TrashIcon = icon('M3 6h18M8 6V4a2 2 0 0 1 2-2h4a2 2 0 0 1 2 2v2M19 6l-1 14a2 2 0 0 1-2 2H8a2 2 0 0 1-2-2L5 6');
export const MoreIcon = icon('M12 13a1 1 0 1 0 0-2 1 1 0 0 0 0 2zM19 13a1 1 0 1 0 0-2 1 1 0 0 0 0 2zM5 13a1 1 0 1 0 0-2 1 1 0 0 0 0 2z');
export const BellOffIcon = icon('M13.73 21a2 2 0 0 1-3.46 0M18.63 13A17.9 17.9 0 0 1 18 8M6.26 6.26A5.86 5.86 0 0 0 6 8c0 7-3 9-3 9h14M18 8a6 6 0 0 0-9.33-5M1 1l22 22');
export const ArchiveIcon = icon('M21 8v13H3V8M1 3h22v5H1zM10 12h4');
export const AtIcon = icon('M12 16a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM16 8v5a3 3 0 0 0 6 0v-1a10 10 0 1 0-3.92 7.94');
