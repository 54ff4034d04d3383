import { z } from 'zod';

export const SignInBody = z.strictObject({
  username: z.string().min(1).max(200),
  password: z.string().min(1).max(1024),
});

export const User = z
  .object({
    id: z.string(),
    name: z.string(),
    roles: z.array(z.enum(['process-owner', 'case-worker', 'administrator', 'auditor'])),
    organisation: z.string().nullable(),
    groups: z.array(z.string()),
  })
  .meta({ id: 'User' });

export const Session = z
  .object({
    token: z.string().describe('Send as Authorization: Bearer <token>'),
    expiresAt: z.string(),
    user: User,
  })
  .meta({ id: 'Session' });
