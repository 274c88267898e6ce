import { Button, Menu } from '@mantine/core';
import { IconChevronDown, IconDownload, IconExternal, IconUpload } from './icons.tsx';

/**
 * Registry bundles (issue #5): Export / Import of the registry as one .modeldesk file
 * (src-main/contract/bundles.ts); and the export for Triton, KServe and Seldon (issue 19,
 * src-main/contract/platforms.ts). The desktop File menu opens the same dialogs via ?export=1 / ?import=1.
 */
export function RegistryMenu({ onExport, onImport, onPlatformExport }: { onExport: () => void; onImport: () => void; onPlatformExport: () => void }) {
  return (
    <Menu position="bottom-end" withinPortal shadow="md" width={240}>
      <Menu.Target>
        <Button variant="default" rightSection={<IconChevronDown size={14} />} data-testid="registry-menu">
          Registry
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>Registry bundle (.modeldesk)</Menu.Label>
        <Menu.Item leftSection={<IconDownload size={16} />} onClick={onExport} data-testid="registry-export">
          Export registry…
        </Menu.Item>
        <Menu.Item leftSection={<IconUpload size={16} />} onClick={onImport} data-testid="registry-import">
          Import registry…
        </Menu.Item>
        <Menu.Divider />
        <Menu.Label>Moving to a serving platform</Menu.Label>
        <Menu.Item leftSection={<IconExternal size={16} />} onClick={onPlatformExport} data-testid="registry-platform-export">
          Export for Triton / KServe…
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
