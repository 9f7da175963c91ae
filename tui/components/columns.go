package components

// Column describes one table column: a fixed Width, or a share (Flex) of the
// space left over, between Min and Max (Max 0 means no limit).
type Column struct {
	Title string
	Width int
	Flex  int
	Min   int
	Max   int
	Right bool
}

// Layout gives each column its width for a table total cells wide, with one
// space between columns. Flexible columns first get their Min, then share the
// rest by weight up to their Max; whatever is left goes to the last flexible
// column without a Max.
func Layout(cols []Column, total int) []int {
	widths := make([]int, len(cols))
	free := total - (len(cols) - 1)
	weight := 0
	for i, c := range cols {
		if c.Flex == 0 {
			widths[i] = c.Width
		} else {
			widths[i] = c.Min
			weight += c.Flex
		}
		free -= widths[i]
	}
	if free <= 0 || weight == 0 {
		return widths
	}
	share := free
	for i, c := range cols {
		if c.Flex == 0 {
			continue
		}
		add := share * c.Flex / weight
		if c.Max > 0 && widths[i]+add > c.Max {
			add = max(c.Max-widths[i], 0)
		}
		widths[i] += add
		free -= add
	}
	for i := len(cols) - 1; i >= 0 && free > 0; i-- {
		if cols[i].Flex > 0 && cols[i].Max == 0 {
			widths[i] += free
			free = 0
		}
	}
	return widths
}

// Row renders cells into their columns, separated by single spaces.
func Row(cols []Column, widths []int, cells []string) string {
	out := make([]byte, 0, 128)
	for i, c := range cols {
		if i > 0 {
			out = append(out, ' ')
		}
		if c.Right {
			out = append(out, FitRight(cells[i], widths[i])...)
		} else {
			out = append(out, Fit(cells[i], widths[i])...)
		}
	}
	return string(out)
}

// Header renders the column titles.
func Header(cols []Column, widths []int) string {
	titles := make([]string, len(cols))
	for i, c := range cols {
		titles[i] = c.Title
	}
	return Row(cols, widths, titles)
}
