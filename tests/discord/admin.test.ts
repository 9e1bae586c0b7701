import { PermissionFlagsBits, PermissionsBitField } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { isAdmin, memberRoleIds } from '../../src/discord/admin.js';

const config = { ADMIN_ROLE_IDS: ['111111111111'], ADMIN_USER_IDS: ['222222222222'] };
const perms = (...bits: bigint[]) => new PermissionsBitField(bits).freeze();

describe('isAdmin', () => {
  it('accepts Manage Server from the permissions Discord resolved', () => {
    expect(
      isAdmin(
        { userId: '9', memberPermissions: perms(PermissionFlagsBits.ManageGuild), roleIds: [] },
        config,
      ),
    ).toBe(true);
  });

  it('accepts Administrator, which implies Manage Server', () => {
    expect(
      isAdmin(
        { userId: '9', memberPermissions: perms(PermissionFlagsBits.Administrator), roleIds: [] },
        config,
      ),
    ).toBe(true);
  });

  it('refuses a regular member', () => {
    const regular = perms(
      PermissionFlagsBits.SendMessages,
      PermissionFlagsBits.ViewChannel,
      PermissionFlagsBits.ManageMessages,
    );
    expect(
      isAdmin({ userId: '9', memberPermissions: regular, roleIds: ['333333333333'] }, config),
    ).toBe(false);
  });

  it('accepts a configured admin role or user even without the permission', () => {
    expect(
      isAdmin({ userId: '9', memberPermissions: perms(), roleIds: ['111111111111'] }, config),
    ).toBe(true);
    expect(isAdmin({ userId: '222222222222', memberPermissions: null, roleIds: [] }, config)).toBe(
      true,
    );
  });

  it('refuses when there are no permissions at all (outside a guild)', () => {
    expect(
      isAdmin(
        { userId: '9', memberPermissions: null, roleIds: [] },
        { ADMIN_ROLE_IDS: [], ADMIN_USER_IDS: [] },
      ),
    ).toBe(false);
  });
});

describe('memberRoleIds', () => {
  it('reads roles from an uncached API member and tolerates a missing member', () => {
    expect(memberRoleIds({ roles: ['1', '2'] } as never)).toEqual(['1', '2']);
    expect(memberRoleIds(null)).toEqual([]);
  });
});
