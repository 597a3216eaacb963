// The highlighted item's marker in menus (select-list.tsx), from the glyph table: ❯, or > on an ASCII console.
import {Box, Text} from 'ink';
import {useUi} from './ui-context.tsx';

export function Pointer({isSelected = false}: {isSelected?: boolean}) {
  const {g} = useUi();
  return <Box marginRight={1}>{isSelected ? <Text color="blue">{g.pointer}</Text> : <Text> </Text>}</Box>;
}
