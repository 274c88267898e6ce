import { useLocalStorage } from '@mantine/hooks';

/** Who is acting (status history's created_by), remembered between sessions. */
export function useUserName(): [string, (name: string) => void] {
  const [name, setName] = useLocalStorage<string>({ key: 'modeldesk.user', defaultValue: '', getInitialValueInEffect: false });
  return [name, setName];
}
