"""Articles a new user wrote to try the bot (2026-12-04), kept for the cases they found."""

#: A teachers' strike (Markdown, front matter and all).
TEACHERS_STRIKE = (
    "---\n"
    "title: Marlow County teachers strike for third day as pay talks stall\n"
    "---\n"
    "\n"
    "# Marlow County teachers strike for third day as pay talks stall\n"
    "\n"
    "*By Jamal Henderson | The Marlow Courier*\n"
    "\n"
    "**MARLOW, Ohio, Oct. 8, 2025** — More than 2,400 teachers in the Marlow County school "
    "district stayed off the job for a third straight day on Wednesday, keeping 38 schools "
    "closed and about 31,000 students at home as negotiations over pay and class sizes broke "
    "down again late Tuesday night.\n"
    "\n"
    "The Marlow County Education Association, which represents the teachers, is asking for a "
    "7 percent raise in each of the next three years and a cap of 25 students per classroom. "
    "The school board has offered 3.5 percent a year and has refused to include class-size "
    "limits in the contract.\n"
    "\n"
    '"We are not asking for anything unreasonable," said Linda Marsh, 56, the union\'s '
    'president and a former high school chemistry teacher. "Our members are buying paper and '
    'pencils out of their own pockets. Some of them work a second job at night."\n'
    "\n"
    "The superintendent, Dr. Robert Keane, 61, said the district could not afford the "
    "union's demands without cutting other programs. According to Keane, the union's "
    "proposal would cost about $48 million over three years, while the district's reserve "
    "fund holds only $12 million.\n"
    "\n"
    '"I want our kids back in the classrooms tomorrow," Keane said at a press conference '
    'outside the district headquarters on Elm Street. "But I will not sign a contract that '
    'bankrupts this district in two years."\n'
    "\n"
    "The strike began on Monday, after teachers voted 91 percent in favor of walking out at "
    "a meeting held at the Marlow Civic Arena on Sept. 28. It is the first teachers' strike "
    "in the county since 1994, when a walkout lasted eleven days.\n"
    "\n"
    "## Parents caught in the middle\n"
    "\n"
    "Parents have scrambled to find childcare. The city's YMCA and four public libraries "
    "have opened day programs, and the district is serving free breakfasts and lunches at "
    "six school sites for students who rely on school meals.\n"
    "\n"
    "Tanya Brooks, 34, a nurse and mother of two, said she had taken unpaid leave to look "
    'after her children, aged 7 and 10. "I support the teachers, I really do," she said. '
    '"But I can\'t keep doing this for another week."\n'
    "\n"
    "Some parents were less sympathetic. Gary Whitfield, a 49-year-old plumber whose "
    "daughter is a senior at Marlow North High School, said the strike was hurting students "
    'preparing for college applications. "These kids have deadlines," he said.\n'
    "\n"
    "Mayor Patricia Gomez urged both sides to return to the table and offered City Hall as a "
    "neutral venue. A state mediator, Henry Oduya, is expected to arrive on Thursday.\n"
    "\n"
    'Board president Steven Liu said in a written statement that the board was "ready to '
    'talk at any hour of the day or night," but added that any deal must be "responsible to '
    'taxpayers."\n'
    "\n"
    "The union said picket lines would continue outside every school until a deal is "
    "reached. A rally is planned for Saturday at noon in Riverside Park, where organizers "
    "expect up to 5,000 people.\n"
    "\n"
)

#: The same probe's frog story, as its HTML page reads.
FROG = (
    "Tiny orange frog found in Peru cloud forest is new to science\n"
    "By Sofia Marquez, Science Reporter\n"
    "\n"
    "Published: June 3, 2025\n"
    "LIMA, Peru — Scientists have described a new species of frog no bigger than a "
    "fingernail from a remote cloud forest in the Andes of northern Peru, according to a "
    "study published on Tuesday in the journal Zootaxa.\n"
    "The frog, named Pristimantis aurantius for its bright orange skin, measures just 11 "
    "millimetres long as an adult. It was found at an altitude of about 2,900 metres in the "
    "Cordillera de Colán, a mountain range in the Amazonas region that few researchers have "
    "visited.\n"
    "The team of seven biologists, led by Dr. Carlos Villanueva, 44, of the National "
    "University of San Marcos in Lima, collected the first specimens during a three-week "
    "expedition in November 2022. They spent two more years comparing the frogs' DNA and "
    "calls with those of related species before confirming that it was new.\n"
    '"At first we thought it was a juvenile of a known species," Villanueva said in an '
    'interview. "Then we heard the call. It is a short, high whistle, completely different '
    'from anything we had recorded."\n'
    "Unlike most frogs, Pristimantis aurantius does not have a tadpole stage. The females "
    "lay around 12 eggs in wet moss, and the young hatch as tiny, fully formed froglets "
    "after about five weeks.\n"
    "The researchers found only 23 individuals in an area of roughly four square kilometres, "
    "and they recommend that the species be listed as endangered. The main threat, they say, "
    "is the clearing of forest for cattle pasture and coffee plantations, which has "
    "accelerated in the region over the past decade.\n"
    "Ana Lucía Quispe, 29, a doctoral student on the team who spotted the first frog under a "
    "leaf at night, said the discovery showed how much remained unknown in Peru's forests. "
    '"We walked for two days just to reach the site," she said. "There could be dozens of '
    'other species up there that nobody has seen."\n'
    "Peru is home to more than 650 known species of amphibians, according to the country's "
    "Ministry of Environment, and new ones are described almost every year. The Pristimantis "
    "genus alone contains over 590 species, making it the largest genus of vertebrates in "
    "the world.\n"
    "The expedition was funded by a grant of 85,000 dollars from the Rainforest Trust, an "
    "American conservation group. The team plans to return to the Cordillera de Colán next "
    "year to survey nearby valleys.\n"
)


#: A council vote (an attacker's probe of More, with FLU beside it).
HARBOUR = (
    "Port Elm council rejects harbour expansion\n\n"
    "The town council voted 7 to 5 on Tuesday night against a plan to expand the harbour.\n\n"
    "Councillor Peter Lindqvist, who led the opposition, said the plan would have destroyed "
    "the seagrass beds that shelter young cod.\n"
)
#: A story on another subject.
FLU = (
    "Bird flu found on a second farm\n\n"
    "Avian influenza has been confirmed at a poultry farm near Wexley, the second case in a "
    "month.\n\n"
    "About 12,000 birds were culled, and a three-kilometre protection zone was set up around "
    "the farm.\n\n"
    "The chief veterinary officer, Dr Ruth Okoye, said the risk to the public remained very "
    "low.\n"
)
