import { randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import type { AuditRepository, UserRepository, UserRole, UserRow } from '../../models';
import { DuplicateEmailError, USER_ROLES } from '../../models';
import { parseVoiceRoute } from './voice-route';

export class UserInputError extends Error {
  readonly code = 'user/invalid_input' as const;
}

/** A phone for calls nobody could dial; the message says in Spanish what to write. */
export class InvalidVoiceRouteError extends UserInputError {
  readonly field = 'route' as const;
}

/** The signed-in user may not do this to that account. */
export class UserForbiddenError extends Error {
  readonly code = 'user/forbidden' as const;
}

export class UserNotFoundError extends Error {
  readonly code = 'user/not_found' as const;
  constructor() {
    super('No existe esa cuenta de usuario.');
  }
}

/** Who changes a user (the console session's user); the e-mail goes to the audit log. */
export interface UserActor {
  id: string;
  email: string;
  role: UserRole;
}

/** Roles that take live conversations and calls, so a phone for calls makes sense for them. */
const CALL_TAKING_ROLES: readonly UserRole[] = ['agent', 'coordinator', 'admin'];
/** Roles that may set anybody's phone for calls; an agent sets only their own. */
const USER_MANAGERS: readonly UserRole[] = ['coordinator', 'admin'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface CreatedUser {
  user: Omit<UserRow, 'passwordHash'>;
  /** Set when no password was given: shown once, never stored in clear. */
  generatedPassword: string | undefined;
}

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** Resolver group names are the catalog's (e.g. «Correo institucional»). */
export const MAX_RESOLVER_GROUP_LENGTH = 120;
/**
 * argon2id with OWASP's recommended floor (19 MiB, 2 passes, 1 lane): strong, and a burst of
 * console logins cannot exhaust the memory of a small instance (the library default takes 64 MiB each).
 */
const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
export const MIN_PASSWORD_LENGTH = 12;

/** Generates a readable random password (no look-alike characters). */
export function generatePassword(length = 20): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(length);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

/** Console users: creation with argon2id hashes, the first admin, password checks. */
export class UserService {
  constructor(
    private readonly users: UserRepository,
    private readonly audit: AuditRepository,
  ) {
    if (!users) throw new Error('UserService: users repository is required');
    if (!audit) throw new Error('UserService: audit repository is required');
  }

  /**
   * Creates a console user. A resolver needs `resolverGroup` (the catalog's resolver group whose tickets
   * they work); other roles must not have one.
   */
  async create(input: {
    email: string;
    role: string;
    password?: string | undefined;
    displayName?: string;
    resolverGroup?: string | undefined;
    /** For agents: the queues (resolver groups) they attend; none = the general queue. */
    queues?: string[] | undefined;
    /** Where accepted phone calls ring: a phone number or a `sip:` address (agents, coordinators, admins). */
    phone?: string | undefined;
    actor: string;
  }): Promise<CreatedUser> {
    const email = input.email.trim().toLowerCase();
    if (!EMAIL_RE.test(email)) throw new UserInputError(`Correo electrónico inválido: "${input.email}"`);
    if (!(USER_ROLES as readonly string[]).includes(input.role)) {
      throw new UserInputError(`Rol inválido: "${input.role}" (use ${USER_ROLES.join(', ')})`);
    }
    const resolverGroup = input.resolverGroup?.trim() || null;
    if (input.role === 'resolver' && resolverGroup === null) {
      throw new UserInputError('Un resolutor debe pertenecer a un grupo resolutor: indique el nombre del grupo cuyos tickets atiende.');
    }
    if (input.role !== 'resolver' && resolverGroup !== null) {
      throw new UserInputError(`El grupo resolutor solo aplica al rol resolver (el rol indicado es "${input.role}").`);
    }
    if (resolverGroup !== null && resolverGroup.length > MAX_RESOLVER_GROUP_LENGTH) {
      throw new UserInputError(`El nombre del grupo resolutor admite hasta ${MAX_RESOLVER_GROUP_LENGTH} caracteres.`);
    }
    const queues = [...new Set((input.queues ?? []).map((q) => q.trim()).filter((q) => q !== ''))];
    if (queues.length > 0 && input.role !== 'agent') {
      throw new UserInputError(`Las filas de atención solo aplican al rol agent (el rol indicado es "${input.role}"); coordinadores y administradores ven todas.`);
    }
    if (queues.some((q) => q.length > MAX_RESOLVER_GROUP_LENGTH)) {
      throw new UserInputError(`El nombre de cada fila admite hasta ${MAX_RESOLVER_GROUP_LENGTH} caracteres.`);
    }
    let voiceRoute: string | null = null;
    if (input.phone !== undefined && input.phone.trim() !== '') {
      if (input.role === 'resolver') throw new UserInputError('El teléfono para atender llamadas solo aplica a quienes atienden conversaciones (no al rol resolver).');
      const parsed = parseVoiceRoute(input.phone);
      if (!parsed.ok) throw new UserInputError(`Teléfono para llamadas inválido: ${parsed.message}`);
      voiceRoute = parsed.route;
    }
    if (input.password !== undefined && input.password.length < MIN_PASSWORD_LENGTH) {
      throw new UserInputError(`La contraseña debe tener al menos ${MIN_PASSWORD_LENGTH} caracteres`);
    }
    const generatedPassword = input.password === undefined ? generatePassword() : undefined;
    const passwordHash = await argon2.hash(input.password ?? (generatedPassword as string), ARGON2_OPTIONS);
    const row = await this.users.create({
      email,
      displayName: input.displayName?.trim() || email.split('@')[0] || email,
      role: input.role as UserRole,
      passwordHash,
      resolverGroup,
      skills: queues,
      voiceRoute,
    });
    await this.audit.append({
      actor: input.actor,
      action: 'user.create',
      target: row.id,
      details: {
        email,
        role: row.role,
        ...(row.resolverGroup ? { resolverGroup: row.resolverGroup } : {}),
        ...(queues.length > 0 ? { queues } : {}),
        ...(voiceRoute ? { voiceRoute } : {}),
      },
    });
    const { passwordHash: _hash, ...user } = row;
    return { user, generatedPassword };
  }

  /**
   * Creates the first admin when there is none: with ADMIN_EMAIL/ADMIN_PASSWORD, or a generated
   * password returned once for the operator to read. Returns null when an admin already exists.
   */
  async ensureInitialAdmin(email: string | undefined, password: string | undefined): Promise<CreatedUser | null> {
    if ((await this.users.countByRole('admin')) > 0) return null;
    try {
      return await this.create({ email: email ?? 'admin@localhost.localdomain', role: 'admin', password, displayName: 'Administración', actor: 'system' });
    } catch (err) {
      // Several instances starting at once: another one created it first.
      if (err instanceof DuplicateEmailError && (await this.users.countByRole('admin')) > 0) return null;
      throw err;
    }
  }

  /**
   * Where `userId`'s accepted phone calls ring (E.164 or `sip:` URI), or null. An agent may read only their own;
   * coordinators and admins anybody's.
   */
  async voiceRoute(actor: UserActor, userId: string): Promise<string | null> {
    const target = await this.phoneTarget(actor, userId);
    return target.voiceRoute;
  }

  /**
   * Sets (or with null or an empty text, clears) where `userId`'s accepted phone calls ring. The route is checked and
   * stored canonically (see {@link parseVoiceRoute}); a route nobody can dial is refused with a Spanish
   * {@link InvalidVoiceRouteError}. An agent may change only their own; coordinators and admins anybody's who takes calls.
   * Audited as `user.voice_route`. Returns the stored route.
   */
  async setVoiceRoute(actor: UserActor, userId: string, route: string | null): Promise<string | null> {
    const target = await this.phoneTarget(actor, userId);
    let stored: string | null = null;
    if (route !== null && route.trim() !== '') {
      const parsed = parseVoiceRoute(route);
      if (!parsed.ok) throw new InvalidVoiceRouteError(parsed.message);
      stored = parsed.route;
    }
    if (stored === target.voiceRoute) return stored;
    if (!(await this.users.setVoiceRoute(target.id, stored))) throw new UserNotFoundError();
    await this.audit.append({
      actor: actor.email,
      action: 'user.voice_route',
      target: target.id,
      // The previous value too: a wrong phone makes calls ring at a stranger's, and must be traceable.
      details: { email: target.email, from: target.voiceRoute, to: stored },
    });
    return stored;
  }

  /** The account whose phone `actor` reads or changes, after checking that they may. */
  private async phoneTarget(actor: UserActor, userId: string): Promise<UserRow> {
    const own = actor.id === userId;
    if (!own && !USER_MANAGERS.includes(actor.role)) {
      throw new UserForbiddenError(
        CALL_TAKING_ROLES.includes(actor.role)
          ? 'Solo puede consultar o cambiar su propio teléfono para llamadas; pida a coordinación que cambie el de otra persona.'
          : 'Su cuenta no atiende llamadas.',
      );
    }
    if (!CALL_TAKING_ROLES.includes(actor.role)) throw new UserForbiddenError('Su cuenta no atiende llamadas.');
    const target = UUID.test(userId) ? await this.users.findById(userId.toLowerCase()) : null;
    if (!target) throw new UserNotFoundError();
    if (!CALL_TAKING_ROLES.includes(target.role)) {
      throw new UserInputError('El teléfono para llamadas solo aplica a cuentas de agente, coordinación o administración (los resolutores no atienden llamadas).');
    }
    return target;
  }

  /** The user when the password matches an active account, else null. */
  async verifyPassword(email: string, password: string): Promise<Omit<UserRow, 'passwordHash'> | null> {
    const row = await this.users.findByEmail(email);
    if (!row || !row.active) return null;
    if (!(await argon2.verify(row.passwordHash, password))) return null;
    const { passwordHash: _hash, ...user } = row;
    return user;
  }
}
