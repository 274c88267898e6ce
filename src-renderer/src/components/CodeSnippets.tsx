import { ActionIcon, Box, Code, CopyButton, Tabs, Tooltip } from '@mantine/core';
import { curlSnippet, fetchSnippet, pythonSnippet, type SnippetCall } from '../lib/snippets.ts';
import { IconCheck, IconCopy } from './icons.tsx';

/** The same call as curl, Python (requests) and JavaScript (fetch), each copyable. */
export function CodeSnippets({ call }: { call: SnippetCall }) {
  const snippets = [
    { key: 'curl', label: 'curl', code: curlSnippet(call) },
    { key: 'python', label: 'Python', code: pythonSnippet(call) },
    { key: 'javascript', label: 'JavaScript', code: fetchSnippet(call) }
  ];
  return (
    <Tabs defaultValue="curl" variant="outline" data-testid="code-snippets">
      <Tabs.List>
        {snippets.map((s) => <Tabs.Tab key={s.key} value={s.key}>{s.label}</Tabs.Tab>)}
      </Tabs.List>
      {snippets.map((s) => (
        <Tabs.Panel key={s.key} value={s.key}>
          <Box pos="relative">
            <Code block className="md-code" data-testid={`snippet-${s.key}`} style={{ borderTopLeftRadius: 0, borderTopRightRadius: 0, paddingRight: 48 }}>
              {s.code}
            </Code>
            <CopyButton value={s.code}>
              {({ copied, copy }) => (
                <Tooltip label={copied ? 'Copied' : `Copy ${s.label}`}>
                  <ActionIcon
                    pos="absolute"
                    top={8}
                    right={8}
                    variant="default"
                    onClick={copy}
                    aria-label={`Copy ${s.label} snippet`}
                    data-testid={`copy-${s.key}`}
                  >
                    {copied ? <IconCheck /> : <IconCopy />}
                  </ActionIcon>
                </Tooltip>
              )}
            </CopyButton>
          </Box>
        </Tabs.Panel>
      ))}
    </Tabs>
  );
}
