import { ActionIcon, ColorSwatch, Group, NavLink, Stack, Text, Tooltip, useComputedColorScheme, useMantineColorScheme } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { href, type PageKey } from '../lib/router.ts';
import { IconAbTest, IconJobs, IconModels, IconMonitoring, IconMoon, IconPlayground, IconRequests, IconServer, IconShield, IconSun } from './icons.tsx';

const items: { key: PageKey; label: string; icon: React.ReactNode; shortcut: string }[] = [
  { key: 'models', label: 'Models', icon: <IconModels />, shortcut: '1' },
  { key: 'playground', label: 'Playground', icon: <IconPlayground />, shortcut: '2' },
  { key: 'requests', label: 'Requests', icon: <IconRequests />, shortcut: '3' },
  { key: 'abtests', label: 'A/B tests', icon: <IconAbTest />, shortcut: '4' },
  { key: 'jobs', label: 'Jobs', icon: <IconJobs />, shortcut: '5' },
  { key: 'monitoring', label: 'Monitoring', icon: <IconMonitoring />, shortcut: '6' },
  { key: 'server', label: 'Server', icon: <IconServer />, shortcut: '7' },
  { key: 'audit', label: 'Audit log', icon: <IconShield />, shortcut: '8' }
];

/**
 * Whether the server answers, within a couple of seconds. A dead server makes fetch throw (or
 * hang): that is an answer ("offline") for the dot, not an error to retry with back-off while
 * the last "up" stays on screen, which kept the dot green for half a minute.
 */
async function serverUp(): Promise<boolean> {
  try {
    return (await fetch('/healthz', { signal: AbortSignal.timeout(2000), cache: 'no-store' })).ok;
  } catch {
    return false;
  }
}

export function NavBar({ active }: { active: PageKey }) {
  const health = useQuery({
    queryKey: ['healthz'],
    queryFn: serverUp,
    refetchInterval: 2000,
    refetchIntervalInBackground: true,
    retry: false
  });
  const { setColorScheme } = useMantineColorScheme();
  const scheme = useComputedColorScheme('light');
  const up = health.data === true;
  return (
    <Stack h="100%" justify="space-between" p="sm" gap="xs">
      <Stack gap={4}>
        <Group gap={8} px="xs" py="sm" wrap="nowrap">
          <Logo />
          <Text fw={700} size="lg" className="md-nav-brand">ModelDesk</Text>
        </Group>
        <nav aria-label="Main">
          {items.map((item) => (
            <NavLink
              key={item.key}
              href={href(item.key)}
              label={item.label}
              leftSection={item.icon}
              active={active === item.key}
              aria-current={active === item.key ? 'page' : undefined}
              data-testid={`nav-${item.key}`}
              variant="light"
              style={{ borderRadius: 'var(--mantine-radius-md)' }}
            />
          ))}
        </nav>
      </Stack>
      <Group justify="space-between" px="xs" wrap="nowrap">
        <Group gap={8} wrap="nowrap" data-testid="server-health" title={up ? `Serving on ${window.location.host}` : undefined}>
          <ColorSwatch size={9} color={`var(--mantine-color-${health.isPending ? 'gray' : up ? 'teal' : 'red'}-6)`} withShadow={false} />
          <Text size="xs" c="dimmed" className="md-mono">
            {health.isPending ? 'connecting…' : up ? window.location.host : 'server offline'}
          </Text>
        </Group>
        <Tooltip label={scheme === 'dark' ? 'Light theme' : 'Dark theme'}>
          <ActionIcon
            variant="subtle"
            color="gray"
            aria-label="Toggle color scheme"
            onClick={() => setColorScheme(scheme === 'dark' ? 'light' : 'dark')}
          >
            {scheme === 'dark' ? <IconSun /> : <IconMoon />}
          </ActionIcon>
        </Tooltip>
      </Group>
    </Stack>
  );
}

function Logo() {
  return (
    <svg width="26" height="26" viewBox="0 0 32 32" aria-hidden="true">
      <rect width="32" height="32" rx="8" fill="var(--mantine-color-indigo-6)" />
      <path d="M8 22V10l8 7 8-7v12" fill="none" stroke="white" strokeWidth="2.6" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
