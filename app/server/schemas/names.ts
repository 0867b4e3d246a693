import { z } from 'zod';
import { text } from './text.ts';

/** The name of a group chat, for members and admins alike. */
export const chatName = text().trim().min(1, 'name: must not be empty').max(100, 'name: at most 100 characters');

/** A person's display name. */
export const personName = text().trim().min(1).max(100);

/** A directory search: `?query=` of the user and admin lists. */
export const searchQuery = text().max(200).default('');

/** A password as typed at sign-in (any length the form allows). */
export const typedPassword = text().min(1).max(1000);

/** A password being set: the rules for new passwords. */
export const newPassword = text().min(8, 'password: at least 8 characters').max(200);

/** Ids of the users to put in a chat, at most `max`. */
export const userIdList = (max: number) => z.array(z.uuid()).max(max);
