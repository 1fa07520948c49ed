// The input line: a prompt, the text typed so far (several lines when it has newlines) and a cursor.
import { Box, Text } from 'ink';
import type { EditorState } from '../editor.js';

export function EditorLine({ prompt, editor, width }: { prompt: string; editor: EditorState; width: number }) {
  const withCursor = `${editor.text.slice(0, editor.cursor)}▏${editor.text.slice(editor.cursor)}`;
  const lines = withCursor.split('\n');
  return (
    <Box flexDirection="column" width={width}>
      {lines.map((line, i) => (
        <Text key={i} wrap="truncate-start">
          <Text bold>{i === 0 ? prompt : ' '.repeat(prompt.length)}</Text>
          {line}
        </Text>
      ))}
    </Box>
  );
}
